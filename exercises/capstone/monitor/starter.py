"""Exercise: is the model still good on the drifted window?

From docs/capstone/monitor.md. The drift report flags the window; that says the
customers moved, not that the model got worse. Once labels arrive, compare the
model's AUC on the window with its AUC on a fresh sample of the reference
population, with an interval that says how much of the gap is chance, and decide
whether to retrain.

Edit this file, then run ``make exercise NAME=capstone/monitor``.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd
from sklearn.pipeline import Pipeline

from churn.evaluate import evaluate


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
    before = evaluate(model, baseline, "contract").auc
    after = evaluate(model, window, "contract").auc
    # TODO: resample both samples' rows with replacement n_boot times, compute the
    # drop on each resample, and keep its 2.5th and 97.5th percentiles.
    return AucDrop(before, after, low=before - after, high=before - after)


def should_retrain(drop: AucDrop, max_drop: float = 0.02) -> bool:
    """Whether the model got worse by more than chance, and by enough to act on.

    Args:
        drop: The measured drop, with its interval.
        max_drop: The smallest drop in AUC worth a retraining.

    Returns:
        True to retrain.
    """
    # TODO: a drop counts when its whole interval is above 0 and it is at least
    # max_drop: the drift rule's "more than chance, and big enough", for AUC.
    return drop.drop > 0
