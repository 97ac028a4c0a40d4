"""Checks for the exercise of docs/capstone/monitor.md: the AUC drop, and retraining."""

from __future__ import annotations

from functools import cache
from types import ModuleType

import numpy as np
import pandas as pd
import pytest
from scipy.stats import rankdata
from sklearn.pipeline import Pipeline

from churn.config import Config
from churn.data import generate
from churn.evaluate import evaluate
from churn.features import FEATURES

BASELINE_SEED = 4  # the baseline: generate(1_000, seed=4), a fresh labelled sample


@cache
def model() -> Pipeline:
    """The page's model: trained on 5,000 rows of the reference population."""
    from churn.train import train

    config = Config(n_rows=5_000)
    return train(generate(config.n_rows, seed=1), config)


def window(case: str) -> pd.DataFrame:
    """A labelled window of 1,000 customers: the page's, or one of the checks'."""
    if case == "unchanged":  # the reference population again, other customers
        return generate(1_000, seed=2)
    drifted = generate(1_000, seed=2, drift=0.6)  # the page's drifted window
    if case == "worse":  # half the customers churn for reasons the model never saw
        rng = np.random.default_rng(0)
        chosen = rng.random(len(drifted)) < 0.5
        drifted.loc[chosen, "churned"] = rng.integers(0, 2, chosen.sum())
    return drifted


@cache
def measured(exercise: ModuleType, case: str):
    """The reader's ``auc_drop`` on the baseline and one window."""
    return exercise.auc_drop(model(), generate(1_000, seed=BASELINE_SEED), window(case))


def fast_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """AUC from ranks (Mann-Whitney), much faster than a call to scikit-learn."""
    ranks = rankdata(scores)
    positives = labels.sum()
    negatives = len(labels) - positives
    return (ranks[labels == 1].sum() - positives * (positives + 1) / 2) / (
        positives * negatives
    )


def our_width(case: str, resamples: int = 1_000) -> float:
    """The width of the checks' own 95 % bootstrap interval of the drop."""
    rng = np.random.default_rng(99)
    frames = [generate(1_000, seed=BASELINE_SEED), window(case)]
    pairs = [
        (f["churned"].to_numpy(), model().predict_proba(f[FEATURES])[:, 1])
        for f in frames
    ]
    drops = []
    for _ in range(resamples):
        (y0, s0), (y1, s1) = [
            (y[i], s[i]) for y, s in pairs for i in [rng.integers(0, len(y), len(y))]
        ]
        drops.append(fast_auc(y0, s0) - fast_auc(y1, s1))
    low, high = np.quantile(drops, [0.025, 0.975])
    return float(high - low)


def test_the_aucs_are_evaluates(exercise: ModuleType) -> None:
    """The two AUCs are those churn.evaluate.evaluate gives."""
    found = measured(exercise, "drifted")
    want = [
        evaluate(model(), generate(1_000, seed=BASELINE_SEED), "contract").auc,
        evaluate(model(), window("drifted"), "contract").auc,
    ]
    assert [found.baseline, found.window] == pytest.approx(want, abs=1e-4), (
        f"the AUCs are {found.baseline:.4f} on the baseline and {found.window:.4f} "
        f"on the window: evaluate gives {want[0]:.4f} and {want[1]:.4f}"
    )


def test_the_interval_is_as_wide_as_chance(exercise: ModuleType) -> None:
    """The interval holds the drop, as wide as resampling both samples makes it."""
    found = measured(exercise, "unchanged")
    assert found.low <= found.drop <= found.high, (
        f"the interval [{found.low:.3f}, {found.high:.3f}] does not hold the drop, "
        f"{found.drop:.3f}"
    )
    width, ours = found.high - found.low, our_width("unchanged")
    assert 0.8 * ours <= width <= 1.25 * ours, (
        f"the interval is {width:.3f} wide; the checks' own bootstrap, resampling "
        f"the rows of both samples, gives {ours:.3f}: both AUCs are estimates from "
        "1,000 customers, and the interval must hold the chance in each"
    )


def test_two_samples_of_one_population_need_no_retraining(
    exercise: ModuleType,
) -> None:
    """Two samples of one population: the interval holds 0, and no retraining."""
    found = measured(exercise, "unchanged")
    assert found.low < 0 < found.high, (
        f"two samples of the unchanged population differ by {found.drop:.3f} in AUC, "
        f"and your interval [{found.low:.3f}, {found.high:.3f}] leaves out 0: on "
        "1,000 customers, a gap this size is chance"
    )
    assert not exercise.should_retrain(found), (
        f"should_retrain says yes to a drop of {found.drop:.3f} between two samples "
        "of the same customers: nothing changed but the sample"
    )


def test_the_pages_drifted_window_needs_no_retraining(exercise: ModuleType) -> None:
    """On the page's drifted window, the drop is within chance: no retraining."""
    found = measured(exercise, "drifted")
    assert not exercise.should_retrain(found), (
        f"the drifted window's AUC is {found.drop:.3f} lower, and your interval is "
        f"[{found.low:.3f}, {found.high:.3f}]: on 1,000 customers a gap this size is "
        "within chance. The inputs moved; the model did not measurably get worse, "
        "so want no retraining"
    )


def test_a_model_that_got_worse_is_retrained(exercise: ModuleType) -> None:
    """A window where half the churn has new causes: retrain."""
    found = measured(exercise, "worse")
    assert exercise.should_retrain(found), (
        f"the AUC fell by {found.drop:.3f}, with an interval [{found.low:.3f}, "
        f"{found.high:.3f}] well above 0: want should_retrain to say yes"
    )


@pytest.mark.parametrize(
    ("low", "high", "window", "retrain"),
    [(0.005, 0.015, 0.80, False), (-0.01, 0.09, 0.77, False), (0.01, 0.05, 0.78, True)],
    ids=["a drop below max_drop", "a drop within chance", "a drop that counts"],
)
def test_a_drop_counts_when_beyond_chance_and_big_enough(
    exercise: ModuleType, low: float, high: float, window: float, retrain: bool
) -> None:
    """A drop counts when its interval is above 0 and it is at least max_drop."""
    drop = exercise.AucDrop(baseline=0.81, window=window, low=low, high=high)
    said = exercise.should_retrain(drop, max_drop=0.02)
    assert said is retrain, (
        f"a drop of {drop.drop:.2f} with the interval [{low}, {high}] and "
        f"max_drop=0.02: should_retrain says {said}, want {retrain}"
    )
