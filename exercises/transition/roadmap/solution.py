"""One answer to the exercise of docs/transition/roadmap.md.

Weeks whose areas are all at Independent or above go; of the areas still below it,
the two weakest have their weeks moved up to follow week 2; every week then starts 7
days after the one before. Read it after your own attempt.
"""

from __future__ import annotations

import datetime as dt

LEVELS = ("Aware", "Practised", "Independent", "Leading")
"""The self-assessment's levels, lowest first."""

AREAS_OF_WEEK: dict[int, tuple[str, ...]] = {
    1: (),  # where you stand
    2: ("reproducibility",),
    3: ("testing",),
    4: ("model-versioning",),
    5: ("system-design",),
    6: ("api-development",),
    7: ("containerization", "safe-artifacts"),
    8: ("ci-cd",),
    9: ("scalable-architecture",),
    10: ("monitoring",),
    11: ("stability",),
    12: (),  # portfolio and interviews
}
"""The self-assessment areas each week of the roadmap works on."""

MY_LEVELS: dict[str, str | None] = {
    "system-design": "Aware",
    "scalable-architecture": None,
    "api-development": "Practised",
    "containerization": "Aware",
    "ci-cd": "Aware",
    "reproducibility": "Practised",
    "model-versioning": "Practised",
    "monitoring": "Practised",
    "stability": None,
    "safe-artifacts": "Aware",
    "testing": "Independent",
}

MY_START: dt.date | None = dt.date(2027, 1, 4)

INDEPENDENT = LEVELS.index("Independent") + 1
"""The rank of Independent: no ticks rank 0, Aware 1, and so on."""


def rank(level: str | None) -> int:
    """How far up the levels ``level`` is: 0 for none ticked, 1 for Aware, ...

    Raises:
        ValueError: If ``level`` is not None or one of ``LEVELS``.
    """
    if level is None:
        return 0
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}: want one of {', '.join(LEVELS)}")
    return LEVELS.index(level) + 1


def plan(levels: dict[str, str | None], start: dt.date) -> list[tuple[int, dt.date]]:
    """The roadmap's weeks in the order you will do them, each with its first day.

    Args:
        levels: The highest level ticked per area, or None; a missing area counts
            as None.
        start: The first day of your first week; each week starts 7 days later.

    Returns:
        ``(week on the page, its first day)`` for each week you keep.

    Raises:
        ValueError: If a level is unknown, or an area is one no week works on.
    """
    known = {area for areas in AREAS_OF_WEEK.values() for area in areas}
    unknown = sorted(set(levels) - known)
    if unknown:
        raise ValueError(
            f"unknown area {', '.join(unknown)}: want one of {sorted(known)}"
        )
    ranks = {area: rank(levels.get(area)) for area in known}
    kept = [
        week
        for week, areas in AREAS_OF_WEEK.items()
        if not areas or min(ranks[area] for area in areas) < INDEPENDENT
    ]
    week_of = {area: week for week, areas in AREAS_OF_WEEK.items() for area in areas}
    gaps = sorted(
        (area for area, r in ranks.items() if r < INDEPENDENT),
        key=lambda area: (ranks[area], week_of[area]),
    )
    first = [1, 2] + [week_of[area] for area in gaps[:2]]
    order = list(dict.fromkeys(week for week in first + kept if week in kept))
    return [(week, start + dt.timedelta(weeks=i)) for i, week in enumerate(order)]
