"""Exercise: score your project against the reviewer's rubric, and compare.

From docs/transition/portfolio.md. Score your project, have someone who hires
engineers score it from the README alone, and make ``to_fix`` list the rows of the
rubric your README must fix, in the order to fix them.

Edit this file, then run ``make exercise NAME=transition/portfolio``.
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

# TODO: your score for each row of the rubric: 0 (missing), 1 (present) or
# 2 (convincing).
MY_SCORES: dict[str, int] = {}

# TODO: the scores of someone who hires engineers, who read your README for ten
# minutes without your help.
REVIEWER_SCORES: dict[str, int] = {}


def to_fix(mine: dict[str, int], theirs: dict[str, int]) -> list[str]:
    """The rows of the rubric to fix in your README, the first to fix first.

    Args:
        mine: Your score for every row of the rubric.
        theirs: The reviewer's score for every row.
    """
    # TODO: refuse scores that are not 0, 1 or 2 for exactly the rows of CRITERIA.
    # TODO: first every row the reviewer scored 0; then the other rows where the two
    # scores differ, the biggest difference first, ties in the rubric's order.
    return []
