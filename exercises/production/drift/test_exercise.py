"""Checks for the exercise of docs/production/drift.md: chance limits, and power."""

from __future__ import annotations

from functools import cache
from types import ModuleType

import numpy as np
import pytest

from churn.monitor import ks_test, psi

SHIFT = 0.1  # a tenth of a standard deviation
SIZES = (100, 200, 500, 1_000, 2_000, 5_000, 10_000)


@cache
def chance(rows: int, trials: int = 400) -> np.ndarray:
    """PSI between pairs of unchanged samples of ``rows``, on a seed of the checks'."""
    rng = np.random.default_rng(7)
    return np.array([psi(*rng.normal(size=(2, rows))) for _ in range(trials)])


@cache
def our_power(sample_size: int, shift: float, trials: int = 200) -> float:
    """The checks' own estimate of the KS test's power, on a seed of their own."""
    rng = np.random.default_rng(12345)
    found = 0
    for _ in range(trials):
        reference = rng.normal(size=sample_size)
        window = rng.normal(loc=shift, size=sample_size)
        found += ks_test(reference, window) < 0.01
    return found / trials


@pytest.mark.parametrize("rows", [50, 1_000, 10_000])
def test_the_limit_lets_one_unchanged_window_in_100_through(
    exercise: ModuleType, rows: int
) -> None:
    """Unchanged windows exceed psi_limit at most about 1 time in 100."""
    limit = exercise.psi_limit(rows)
    rate = float(np.mean(chance(rows) > limit))
    assert rate <= 0.025, (
        f"at {rows:,} rows, unchanged windows exceed your limit of {limit:.4g} in "
        f"{rate:.1%} of 400 fresh trials: want about 1%, at most 2.5%"
    )


@pytest.mark.parametrize("rows", [50, 1_000, 10_000])
def test_the_limit_is_no_higher_than_it_must_be(
    exercise: ModuleType, rows: int
) -> None:
    """psi_limit is the smallest such limit: four fifths of it alarms more often."""
    limit = exercise.psi_limit(rows)
    rate = float(np.mean(chance(rows) > 0.8 * limit))
    assert rate > 0.01, (
        f"at {rows:,} rows, unchanged windows exceed even 0.8 times your limit of "
        f"{limit:.4g} in only {rate:.1%} of 400 trials: the limit is higher than "
        "chance needs, so it misses real shifts. Want the 99th percentile of PSI "
        "on unchanged data"
    )


def test_without_a_shift_the_power_is_the_false_alarm_rate(
    exercise: ModuleType,
) -> None:
    """With no shift, ks_power is the test's false-alarm rate: near alpha."""
    found = exercise.ks_power(1_000, 0.0)
    assert found <= 0.03, (
        f"ks_power(1000, shift=0.0) is {found:.1%}: with nothing shifted, every "
        "finding is a false alarm, so want about alpha, 1%"
    )


@pytest.mark.parametrize("rows", [500, 2_000])
def test_the_power_is_the_share_of_windows_the_test_flags(
    exercise: ModuleType, rows: int
) -> None:
    """ks_power(n, 0.1) is the share of shifted windows the KS test flags."""
    found, ours = exercise.ks_power(rows, SHIFT), our_power(rows, SHIFT)
    assert abs(found - ours) <= 0.1, (
        f"ks_power({rows}, shift=0.1) is {found:.1%}; the checks' own 200 trials "
        f"find the shift in {ours:.1%}: the mean of the window moves by 0.1 "
        "standard deviations, and a trial counts when p < 0.01"
    )


def test_the_smallest_window_is_the_first_with_enough_power(
    exercise: ModuleType,
) -> None:
    """smallest_window(0.1) is the first size where the test finds the shift 4 in 5."""
    ours = next(n for n in SIZES if our_power(n, SHIFT) >= 0.8)
    found = exercise.smallest_window(SHIFT, SIZES)
    assert found == ours, (
        f"smallest_window(0.1) is {found}: of {', '.join(map(str, SIZES))} rows, "
        f"the first at which the KS test finds the shift in 80% of windows is {ours}"
    )


def test_no_size_is_large_enough_for_a_tiny_shift(exercise: ModuleType) -> None:
    """If no size is large enough, smallest_window says so with None."""
    found = exercise.smallest_window(0.01, (100, 1_000))
    assert found is None, (
        f"smallest_window(0.01, sizes=(100, 1000)) is {found}: a shift of a "
        "hundredth of a standard deviation needs far more rows, so want None"
    )
