"""Exercise: raise the reference system's ML Test Score by one band.

From docs/production/readiness.md. The final score is the minimum of the four
sections, so only the weakest sections can raise it. Say how many points each
section lacks for the next band, earn the missing point in the limiting section with
a check of your own (a simpler baseline the model must beat), and record it in the
reference checklist.

Edit this file, then run ``make exercise NAME=production/readiness``.
"""

from __future__ import annotations

import pandas as pd
from sklearn.pipeline import Pipeline

from production.fallback import RateTable  # noqa: F401  (a simple baseline)
from production.readiness import Score


def to_next_band(result: Score) -> dict[str, float]:
    """The points each section lacks for the final score to reach the next band.

    Args:
        result: A scored checklist, from ``production.readiness.score``.

    Returns:
        For each section that holds the final score in its band, the points it
        lacks, in half points; empty in the top band.
    """
    # TODO: a band ends at result.band.upper (included); the next starts just
    # above it, and points come in halves.
    return {}


def check_beats_baseline(
    model: Pipeline,
    training: pd.DataFrame,
    held_out: pd.DataFrame,
    margin: float = 0.02,
) -> None:
    """Fail unless the model's AUC beats a simpler baseline's by ``margin``.

    The baseline is the churn rate per contract type, learned from ``training``.

    Args:
        model: A fitted churn pipeline.
        training: The labelled rows the model and the baseline learn from.
        held_out: Labelled rows neither has seen.
        margin: How much higher the model's AUC must be.

    Raises:
        AssertionError: If the model does not beat the baseline by ``margin``; the
            message gives both AUCs.
    """
    # TODO: fit a RateTable on training (column "contract"), compare the AUC of its
    # rates on held_out with the model's, and raise AssertionError if the model's
    # is not at least margin higher.


# The answers to change in snippets/production/churn_readiness.yaml, as the file
# writes them: {"test-id": {"status": ..., "note": ...}}. The checks apply them to
# the real file and score it.
CHANGES: dict[str, dict[str, str]] = {}
