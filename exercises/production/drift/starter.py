"""Exercise: the PSI limit chance allows, and the window the KS test needs.

From docs/production/drift.md. A fixed "PSI above 0.1" alarms on almost every small
window of unchanged data and on almost nothing in a big one. Measure, for a window
size, the PSI that unchanged data exceeds only 1 time in 100; then measure how often
the KS test sees a small real shift, and the smallest window at which it sees it 4
times in 5.

Edit this file, then run ``make exercise NAME=production/drift``.
"""

from __future__ import annotations

from collections.abc import Sequence

from churn.monitor import false_alarm_rates, ks_test, psi  # noqa: F401  (yours to use)

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
    # TODO: draw `trials` pairs of samples from one normal distribution, as
    # false_alarm_rates does, and return the 99th percentile of their PSI.
    return 0.1  # the fixed rule of thumb, whatever the size


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
    # TODO: in each trial, compare a standard normal sample with one whose mean is
    # `shift`, using ks_test.
    raise NotImplementedError("ks_power is not written yet")


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
    # TODO: use ks_power.
    raise NotImplementedError("smallest_window is not written yet")
