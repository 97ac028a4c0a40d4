"""Checks for the exercise of docs/transition/portfolio.md: compare two scorings."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[3]
PAGE = (ROOT / "docs" / "transition" / "portfolio.md").read_text(encoding="utf-8")
RUBRIC = PAGE.split("| Criterion |", 1)[1].split("\n\n", 1)[0]
ROWS = re.findall(r"^\| ([^|]+?) \|", RUBRIC, re.MULTILINE)


def scores(default: int = 2, **changed: int) -> dict[str, int]:
    """Every row at ``default``, but the rows named (``Problem_framing=0``, ...)."""
    made = dict.fromkeys(ROWS, default)
    made.update({row.replace("_", " "): score for row, score in changed.items()})
    return made


def valid(given: dict[str, int]) -> list[str]:
    """What is wrong with a set of scores, in words; empty when nothing is."""
    problems = [f"no score for {row}" for row in ROWS if row not in given]
    problems += [
        f"{row} is not a row of the rubric" for row in given if row not in ROWS
    ]
    problems += [
        f"{row} is scored {score!r}, not 0, 1 or 2"
        for row, score in given.items()
        if score not in (0, 1, 2) or isinstance(score, bool)
    ]
    return problems


def test_the_rubric_rows(exercise: ModuleType) -> None:
    """CRITERIA are the rows of the rubric on the page, in order."""
    assert tuple(exercise.CRITERIA) == tuple(ROWS), (
        f"CRITERIA is {exercise.CRITERIA}; the page's rubric has {tuple(ROWS)}"
    )


@pytest.mark.parametrize("whose", ["MY_SCORES", "REVIEWER_SCORES"])
def test_both_scorings(exercise: ModuleType, whose: str) -> None:
    """MY_SCORES and REVIEWER_SCORES score every row of the rubric 0, 1 or 2."""
    problems = valid(getattr(exercise, whose))
    assert not problems, "; ".join(problems[:3])


def test_agreement_leaves_nothing(exercise: ModuleType) -> None:
    """With the same scores and no zero, there is nothing to fix."""
    same = scores(2, Monitoring=1)
    got = exercise.to_fix(same, dict(same))
    assert got == [], f"you and the reviewer agree on every row, and to_fix says {got}"


def test_a_difference_is_listed(exercise: ModuleType) -> None:
    """A row where you and the reviewer differ is one to fix."""
    got = exercise.to_fix(scores(2), scores(2, Monitoring=1))
    assert got == ["Monitoring"], (
        f"you scored Monitoring 2, the reviewer 1, and to_fix says {got}: want "
        "['Monitoring'], since the README did not show what you know is there"
    )


def test_a_reviewer_zero_comes_first(exercise: ModuleType) -> None:
    """Every row the reviewer scored 0 comes first, even where you agree."""
    mine = scores(2, Tests=0)
    theirs = scores(2, Serving=1, Tests=0, Evidence=0)
    got = exercise.to_fix(mine, theirs)
    want = ["Tests", "Evidence", "Serving"]
    assert got == want, (
        f"the reviewer scored Tests and Evidence 0 and Serving 1, you Tests 0, and "
        f"to_fix says {got}: want {want}, the zeros first in the rubric's order, "
        "since a 0 stands out more than any 2"
    )


def test_the_widest_gap_first(exercise: ModuleType) -> None:
    """After the zeros, the biggest difference comes first, ties in rubric order."""
    mine = scores(1, Judgment=0, Shipping=2)
    theirs = scores(1, Judgment=2, Monitoring=2)
    got = exercise.to_fix(mine, theirs)
    want = ["Judgment", "Shipping", "Monitoring"]
    assert got == want, (
        f"you and the reviewer differ by 2 on Judgment and by 1 on Shipping and "
        f"Monitoring, and to_fix says {got}: want {want}"
    )


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"Tests": 3}, "Tests"),
        ({"Serving": -1}, "Serving"),
        ({"Testing": 1}, "Testing"),
    ],
    ids=["a 3", "a -1", "an unknown row"],
)
def test_a_bad_score_is_refused(
    exercise: ModuleType, change: dict[str, int], named: str
) -> None:
    """A score that is not 0, 1 or 2, or a row not in the rubric, is refused."""
    with pytest.raises(ValueError, match=named):
        exercise.to_fix({**scores(1), **change}, scores(1))


def test_a_missing_row_is_refused(exercise: ModuleType) -> None:
    """A scoring that leaves out a row of the rubric is refused, naming the row."""
    partial = scores(1)
    del partial["Monitoring"]
    with pytest.raises(ValueError, match="Monitoring"):
        exercise.to_fix(scores(1), partial)
