"""Checks for the exercise of docs/transition/roadmap.md: your own twelve weeks."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[3]
PAGE = ROOT / "docs" / "transition" / "self-assessment.md"
AREAS = re.findall(r'data-sa-area="([a-z-]+)"', PAGE.read_text(encoding="utf-8"))
START = dt.date(2027, 1, 4)


def weeks(exercise: ModuleType, **levels: str | None) -> list[int]:
    """The weeks ``plan`` keeps, in order, for these levels (others at Practised)."""
    every = {area: "Practised" for area in AREAS}
    every.update({area.replace("_", "-"): level for area, level in levels.items()})
    return [week for week, _ in exercise.plan(every, START)]


def test_your_levels(exercise: ModuleType) -> None:
    """MY_LEVELS gives a level, or None, for every area of the self-assessment."""
    mine = exercise.MY_LEVELS
    missing = [area for area in AREAS if area not in mine]
    assert not missing, (
        f"MY_LEVELS has no entry for {', '.join(missing)}: give each area of the "
        "self-assessment the highest level you ticked, or None"
    )
    wrong = {
        a: level for a, level in mine.items() if level not in (*exercise.LEVELS, None)
    }
    assert not wrong, f"MY_LEVELS has levels that are not {exercise.LEVELS}: {wrong}"


def test_your_plan(exercise: ModuleType) -> None:
    """plan(MY_LEVELS, MY_START) gives your weeks, the first on MY_START."""
    start = exercise.MY_START
    assert isinstance(start, dt.date), (
        f"MY_START is {start!r}: want the day you start, e.g. dt.date(2027, 1, 4)"
    )
    mine = exercise.plan(exercise.MY_LEVELS, start)
    assert mine, "your plan has no weeks"
    assert mine[0] == (1, start), (
        f"your plan starts with {mine[0]}: want week 1, on {start}"
    )


def test_every_area_has_its_week(exercise: ModuleType) -> None:
    """AREAS_OF_WEEK puts each area of the self-assessment in one week."""
    listed = [area for areas in exercise.AREAS_OF_WEEK.values() for area in areas]
    assert sorted(listed) == sorted(AREAS), (
        f"AREAS_OF_WEEK lists {sorted(listed)}; the self-assessment's areas are "
        f"{sorted(AREAS)}, each in one week"
    )


def test_no_clear_gap_keeps_the_page_order(exercise: ModuleType) -> None:
    """With every area at Practised, the plan is the page's twelve weeks in order."""
    got = weeks(exercise)
    assert got == list(range(1, 13)), (
        f"with every area at Practised the plan is weeks {got}: want 1 to 12 in "
        "order, since no area is weaker than another"
    )


def test_the_dates(exercise: ModuleType) -> None:
    """The first week starts on the start date, and each next one 7 days later."""
    every = {area: "Practised" for area in AREAS}
    days = [day for _, day in exercise.plan(every, START)]
    want = [START + dt.timedelta(weeks=i) for i in range(len(days))]
    assert days == want, (
        f"the weeks start on {[d.isoformat() for d in days[:3]]}...: want "
        f"{[d.isoformat() for d in want[:3]]}..., a week apart from {START}"
    )


def test_an_independent_week_is_crossed_out(exercise: ModuleType) -> None:
    """A week whose areas are all at Independent or Leading is crossed out."""
    got = weeks(exercise, monitoring="Independent", ci_cd="Leading")
    assert 10 not in got, (
        f"with monitoring at Independent the plan keeps week 10 (monitoring): {got}"
    )
    assert 8 not in got, f"with ci-cd at Leading the plan keeps week 8 (CI/CD): {got}"


def test_a_week_with_a_gap_stays(exercise: ModuleType) -> None:
    """A week with one area still below Independent stays."""
    got = weeks(exercise, containerization="Independent", safe_artifacts="Practised")
    assert 7 in got, (
        f"week 7 works on containerization and safe artifacts, and safe artifacts "
        f"is at Practised, yet the plan drops it: {got}"
    )


def test_the_weakest_come_first(exercise: ModuleType) -> None:
    """The weeks of the two weakest areas come right after week 2, weakest first."""
    got = weeks(exercise, monitoring=None, scalable_architecture="Aware")
    want = [1, 2, 10, 9, 3, 4, 5, 6, 7, 8, 11, 12]
    assert got == want, (
        f"with monitoring ticked nowhere and scalable architecture at Aware, the "
        f"plan is {got}: want {want}, monitoring's week 10 then scale's week 9 "
        "right after week 2, and the rest in the page's order"
    )


def test_a_tie_goes_by_the_page(exercise: ModuleType) -> None:
    """Between equally weak areas, the earlier week comes first."""
    got = weeks(exercise, stability="Aware", api_development="Aware", testing="Aware")
    want = [1, 2, 3, 6, 4, 5, 7, 8, 9, 10, 11, 12]
    assert got == want, (
        f"with testing, api-development and stability at Aware, the plan is {got}: "
        f"want {want}, the two earliest of the tied weeks (3 and 6) after week 2"
    )


def test_all_independent_leaves_the_ends(exercise: ModuleType) -> None:
    """With every area at Independent, only weeks 1 and 12 are left."""
    every = {area: "Independent" for area in AREAS}
    got = [week for week, _ in exercise.plan(every, START)]
    assert got == [1, 12], (
        f"with every area at Independent the plan is {got}: want [1, 12], where "
        "you stand and the portfolio"
    )


@pytest.mark.parametrize(
    ("levels", "named"),
    [({"testing": "Expert"}, "Expert"), ({"monitorng": "Aware"}, "monitorng")],
    ids=["a level", "an area"],
)
def test_a_typo_is_refused(
    exercise: ModuleType, levels: dict[str, str], named: str
) -> None:
    """An unknown level or area is refused, with a message naming it."""
    with pytest.raises(ValueError, match=named):
        exercise.plan(levels, START)
