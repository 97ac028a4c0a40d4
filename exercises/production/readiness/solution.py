"""One answer to the exercise of docs/production/readiness.md.

A band ends at its upper bound, included, and points come in halves, so the next
band starts half a point above it; every section below that start lacks the
difference. In the reference system only the model section does, by a point: one
answer turned from no to automated, here model-5, a simpler baseline the model must
beat. Read it after your own attempt.
"""

from __future__ import annotations

import math

import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline

from churn.features import FEATURES
from churn.fields import TARGET
from production.fallback import RateTable
from production.readiness import Score


def to_next_band(result: Score) -> dict[str, float]:
    """The points each section lacks for the final score to reach the next band.

    Args:
        result: A scored checklist, from ``production.readiness.score``.

    Returns:
        For each section that holds the final score in its band, the points it
        lacks, in half points; empty in the top band.
    """
    upper = result.band.upper
    if math.isinf(upper):
        return {}
    start = (math.floor(upper * 2) + 1) / 2  # the first half point above the band
    return {s.section: start - s.points for s in result.sections if s.points < start}


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
    baseline = RateTable.fit(training, column="contract")
    simple = roc_auc_score(held_out[TARGET], baseline(held_out))
    auc = roc_auc_score(held_out[TARGET], model.predict_proba(held_out[FEATURES])[:, 1])
    if auc < simple + margin:
        raise AssertionError(
            f"the model's AUC {auc:.4f} does not beat the churn rate per contract "
            f"type, {simple:.4f}, by {margin}"
        )


CHANGES: dict[str, dict[str, str]] = {
    "model-5": {
        "status": "automated",
        "note": (
            "`check_beats_baseline` (exercises/production/readiness) fails unless"
            " the model's AUC beats the churn rate per contract type by 0.02."
        ),
    },
}
