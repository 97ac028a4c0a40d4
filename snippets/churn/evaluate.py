"""Measure a model on held-out rows, overall and per slice, and decide on promotion.

An average can hide a slice where the model fails; the gate checks both, and it
compares the candidate with the current champion on the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline

from churn.config import GateConfig
from churn.data import TARGET
from churn.features import FEATURES


@dataclass(frozen=True)
class Evaluation:
    """AUC on held-out rows, overall and for each value of the slice column."""

    auc: float
    rows: int
    slice_auc: dict[str, float] = field(default_factory=dict)

    def to_metrics(self) -> dict[str, float]:
        """Flatten for MLflow, whose names allow no ``=``: ``auc.contract.one-year``."""
        slices = {f"auc.{k.replace('=', '.')}": v for k, v in self.slice_auc.items()}
        return {"auc": self.auc} | slices


def evaluate(model: Pipeline, frame: pd.DataFrame, slice_column: str) -> Evaluation:
    """Score held-out rows and compute AUC overall and per slice.

    Args:
        model: A fitted churn pipeline.
        frame: Held-out rows with the label.
        slice_column: The column whose values define the slices, e.g. ``contract``.

    Returns:
        The evaluation. A slice whose rows all share one label has no AUC and is
        left out.
    """
    scores = pd.Series(model.predict_proba(frame[FEATURES])[:, 1], index=frame.index)
    slices = {
        f"{slice_column}={value}": round(
            roc_auc_score(rows[TARGET], scores[rows.index]), 4
        )
        for value, rows in frame.groupby(slice_column, sort=True)
        if rows[TARGET].nunique() == 2
    }
    auc = round(roc_auc_score(frame[TARGET], scores), 4)
    return Evaluation(auc=auc, rows=len(frame), slice_auc=slices)


@dataclass(frozen=True)
class GateDecision:
    """Whether a candidate may be promoted, and every reason if not."""

    promote: bool
    reasons: tuple[str, ...]


# --8<-- [start:gate]
def gate(
    candidate: Evaluation, champion: Evaluation | None, rules: GateConfig
) -> GateDecision:
    """Apply the promotion rules: a floor, no regression, every slice good enough.

    Args:
        candidate: The new model's evaluation.
        champion: The current champion's evaluation on the same rows, or None if
            there is no champion yet.
        rules: The thresholds.

    Returns:
        The decision, with a reason for each rule the candidate broke.
    """
    reasons = []
    if candidate.auc < rules.min_auc:
        reasons.append(f"AUC {candidate.auc:.4f} is below the floor {rules.min_auc}")
    if champion is not None and candidate.auc < champion.auc - rules.max_drop:
        reasons.append(
            f"AUC {candidate.auc:.4f} is worse than the champion's {champion.auc:.4f}"
            f" by more than {rules.max_drop}"
        )
    for name, auc in candidate.slice_auc.items():
        if auc < rules.min_slice_auc:
            reasons.append(
                f"slice {name}: AUC {auc:.4f} is below {rules.min_slice_auc}"
            )
    return GateDecision(promote=not reasons, reasons=tuple(reasons))


# --8<-- [end:gate]
