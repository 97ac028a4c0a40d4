"""One answer to the exercise of docs/capstone/monitor.md.

Each sample is scored once; each bootstrap resample draws the rows of both samples
again, with replacement, so the interval holds the chance in both AUCs. A drop
calls for retraining when it is more than chance (its whole interval above 0) and
big enough to act on, as a feature drifts only when its test and its PSI agree.
Read it after your own attempt.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline

from churn.evaluate import evaluate
from churn.features import FEATURES
from churn.fields import TARGET


class AucDrop(NamedTuple):
    """How much lower the model's AUC is on a window than on a baseline sample.

    Attributes:
        baseline: The AUC on the baseline, a labelled sample of the reference.
        window: The AUC on the window, labels kept.
        low: The lower end of the 95 % interval of ``baseline - window``.
        high: Its upper end.
    """

    baseline: float
    window: float
    low: float
    high: float

    @property
    def drop(self) -> float:
        """The baseline's AUC minus the window's: positive when the model got worse."""
        return self.baseline - self.window


def auc_drop(
    model: Pipeline,
    baseline: pd.DataFrame,
    window: pd.DataFrame,
    n_boot: int = 200,
    seed: int = 0,
) -> AucDrop:
    """The model's AUC on both samples, and a bootstrap interval of the difference.

    Args:
        model: A fitted churn pipeline.
        baseline: A labelled sample of the reference population.
        window: The labelled window.
        n_boot: How many bootstrap resamples.
        seed: Seed of the random generator, for the same interval on every run.

    Returns:
        Both AUCs and the 95 % interval of the drop.
    """
    rng = np.random.default_rng(seed)
    scored = [
        (frame[TARGET].to_numpy(), model.predict_proba(frame[FEATURES])[:, 1])
        for frame in (baseline, window)
    ]

    def resampled_auc(labels: np.ndarray, scores: np.ndarray) -> float:
        rows = rng.integers(0, len(labels), len(labels))
        return roc_auc_score(labels[rows], scores[rows])

    drops = [
        resampled_auc(*scored[0]) - resampled_auc(*scored[1]) for _ in range(n_boot)
    ]
    low, high = np.quantile(drops, [0.025, 0.975])
    before = evaluate(model, baseline, "contract").auc
    after = evaluate(model, window, "contract").auc
    return AucDrop(before, after, float(low), float(high))


def should_retrain(drop: AucDrop, max_drop: float = 0.02) -> bool:
    """Whether the model got worse by more than chance, and by enough to act on.

    Args:
        drop: The measured drop, with its interval.
        max_drop: The smallest drop in AUC worth a retraining.

    Returns:
        True to retrain.
    """
    return drop.low > 0 and drop.drop >= max_drop
