"""One answer to the exercise of docs/transition/portfolio.md.

The reviewer's zeros come first, because a zero stands out more than any two; then
every other row where the reviewer and you disagree, the widest gap first, since each
is something the README does not show. Read it after your own attempt.
"""

from __future__ import annotations

CRITERIA = (
    "Problem framing",
    "Code structure",
    "Tests",
    "Reproducibility",
    "Versioning and release",
    "Serving",
    "Shipping",
    "Monitoring",
    "Evidence",
    "Judgment",
)
"""The rows of the rubric, in the page's order."""

MY_SCORES: dict[str, int] = {
    "Problem framing": 2,
    "Code structure": 2,
    "Tests": 2,
    "Reproducibility": 2,
    "Versioning and release": 1,
    "Serving": 2,
    "Shipping": 1,
    "Monitoring": 1,
    "Evidence": 1,
    "Judgment": 1,
}

REVIEWER_SCORES: dict[str, int] = {
    "Problem framing": 1,
    "Code structure": 2,
    "Tests": 2,
    "Reproducibility": 0,
    "Versioning and release": 1,
    "Serving": 2,
    "Shipping": 1,
    "Monitoring": 1,
    "Evidence": 0,
    "Judgment": 2,
}


def check(scores: dict[str, int], whose: str) -> None:
    """Refuse scores that are not 0, 1 or 2 for exactly the rows of the rubric.

    Raises:
        ValueError: Naming the rows missing or unknown, or the score out of range.
    """
    missing = [row for row in CRITERIA if row not in scores]
    unknown = [row for row in scores if row not in CRITERIA]
    if missing or unknown:
        raise ValueError(f"{whose}: missing rows {missing}, unknown rows {unknown}")
    for row, score in scores.items():
        if score not in (0, 1, 2) or isinstance(score, bool):
            raise ValueError(f"{whose}: {row} is scored {score!r}, want 0, 1 or 2")


def to_fix(mine: dict[str, int], theirs: dict[str, int]) -> list[str]:
    """The rows of the rubric to fix in your README, the first to fix first.

    Args:
        mine: Your score for every row of the rubric.
        theirs: The reviewer's score for every row.

    Returns:
        Every row the reviewer scored 0, in the rubric's order; then every other row
        where the two scores differ, the biggest difference first, ties in the
        rubric's order.

    Raises:
        ValueError: If either set of scores is not 0, 1 or 2 for each row.
    """
    check(mine, "your scores")
    check(theirs, "the reviewer's scores")
    zeros = [row for row in CRITERIA if theirs[row] == 0]
    differ = [row for row in CRITERIA if theirs[row] != mine[row] and row not in zeros]
    differ.sort(key=lambda row: -abs(mine[row] - theirs[row]))  # stable: rubric order
    return zeros + differ
