"""One answer to the exercise of docs/production/drift.md.

The PSI limit is the 99th percentile of PSI between pairs of samples from one
distribution, the same draws ``false_alarm_rates`` makes; the power is the share of
shifted windows in which the KS test's p-value is below alpha. Read it after your
own attempt.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from churn.monitor import ks_test, psi

SIZES = (100, 200, 500, 1_000, 2_000, 5_000, 10_000)


def psi_limit(sample_size: int, trials: int = 500, seed: int = 0) -> float:
    """The PSI that two unchanged samples of ``sample_size`` rows exceed 1 time in 100.

    Args:
        sample_size: Rows in each sample.
        trials: How many pairs of samples to draw.
        seed: Seed of the random generator, for the same limit on every run.

    Returns:
        The 99th percentile of PSI between two samples of one distribution.
    """
    rng = np.random.default_rng(seed)
    chance = [psi(*rng.normal(size=(2, sample_size))) for _ in range(trials)]
    return float(np.quantile(chance, 0.99))


def ks_power(
    sample_size: int,
    shift: float,
    alpha: float = 0.01,
    trials: int = 200,
    seed: int = 0,
) -> float:
    """How often the KS test finds a shift of the mean, at p < ``alpha``.

    Args:
        sample_size: Rows in the reference and in the shifted window.
        shift: How far the window's mean moved, in standard deviations.
        alpha: The test's significance level.
        trials: How many pairs of samples to draw.
        seed: Seed of the random generator.

    Returns:
        The share of trials in which the test's p-value was below ``alpha``.
    """
    rng = np.random.default_rng(seed)
    found = 0
    for _ in range(trials):
        reference = rng.normal(size=sample_size)
        window = rng.normal(loc=shift, size=sample_size)
        found += ks_test(reference, window) < alpha
    return found / trials


def smallest_window(
    shift: float, sizes: Sequence[int] = SIZES, power: float = 0.8
) -> int | None:
    """The first of ``sizes`` at which the KS test finds ``shift`` often enough.

    Args:
        shift: How far the mean moved, in standard deviations.
        sizes: Window sizes to try, smallest first.
        power: The share of windows in which the test must find the shift.

    Returns:
        The smallest such size, or None if none of ``sizes`` is large enough.
    """
    return next((n for n in sizes if ks_power(n, shift) >= power), None)
