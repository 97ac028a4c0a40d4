"""Exercise: your own twelve weeks, ordered by your self-assessment.

From docs/transition/roadmap.md. Write down your levels from the self-assessment and
the day you start, then make ``plan`` cross out the weeks whose areas you already
have at Independent, and put the weeks of your two weakest areas first after week 2.

Edit this file, then run ``make exercise NAME=transition/roadmap``.
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

# TODO: the highest level you ticked in each area of docs/transition/self-assessment.md
# (one of LEVELS), or None where you ticked nothing.
MY_LEVELS: dict[str, str | None] = {}

# TODO: the day your first week starts, e.g. dt.date(2027, 1, 4).
MY_START: dt.date | None = None


def plan(levels: dict[str, str | None], start: dt.date) -> list[tuple[int, dt.date]]:
    """The roadmap's weeks in the order you will do them, each with its first day.

    Args:
        levels: The highest level ticked per area, or None; a missing area counts
            as None.
        start: The first day of your first week; each week starts 7 days later.

    Returns:
        ``(week on the page, its first day)`` for each week you keep.
    """
    # TODO: refuse a level that is not one of LEVELS, or an area no week works on.
    # TODO: cross out a week whose areas are all at Independent or Leading.
    # TODO: right after week 2, the weeks of your two weakest areas (weakest first;
    # on a tie, the earlier week first). Week 1 stays first and week 12 last.
    weeks = list(AREAS_OF_WEEK)
    return [(week, start + dt.timedelta(weeks=i)) for i, week in enumerate(weeks)]
