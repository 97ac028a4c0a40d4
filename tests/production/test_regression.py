import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from production.regression import (
    Tolerances,
    _auc,
    compare_versions,
    latency_check,
    measure_interleaved,
    quality_check,
)

FAST = Tolerances(resamples=300)


class FakeClock:
    """A clock that only moves when a scored call says how long it took."""

    def __init__(self) -> None:
        self.now = 0.0
        self.calls: list[str] = []

    def __call__(self) -> float:
        """The current fake time, in seconds."""
        return self.now

    def work(self, name: str, seconds: float):
        """A function that records its call and takes ``seconds`` of fake time."""

        def call() -> None:
            self.calls.append(name)
            self.now += seconds

        return call


def test_interleaving_alternates_the_order_and_times_each_call():
    clock = FakeClock()
    baseline, candidate = measure_interleaved(
        clock.work("b", 0.002), clock.work("c", 0.005), rounds=4, clock=clock
    )
    assert clock.calls == ["b", "c", "c", "b", "b", "c", "c", "b"]
    assert baseline == pytest.approx([2.0] * 4)
    assert candidate == pytest.approx([5.0] * 4)


@pytest.fixture(scope="module")
def latencies() -> np.ndarray:
    return np.random.default_rng(1).lognormal(np.log(10), 0.3, 2_000)


def test_the_same_latencies_pass(latencies):
    check = latency_check(latencies, latencies, 50, 0.10, FAST)
    assert check.passed
    assert check.change == 1.0
    assert check.interval[0] < 1 < check.interval[1]


def test_a_slower_candidate_fails_with_the_reason(latencies):
    check = latency_check(latencies, latencies * 1.3, 99, 0.20, FAST)
    assert not check.passed
    assert check.change == pytest.approx(1.3)
    assert check.interval[0] > 1
    assert check.reason.startswith("p99 latency: candidate/baseline 1.30")
    assert "limit 1.20" in check.reason


def test_slower_within_the_tolerance_passes(latencies):
    check = latency_check(latencies, latencies * 1.05, 50, 0.10, FAST)
    assert check.passed
    assert check.interval[0] > 1  # real, but accepted


def test_a_large_but_noisy_difference_passes():
    # Ratio of medians 1.2 on 20 widely spread samples: within the noise.
    baseline = list(range(1, 21))
    candidate = [*range(1, 10), 12, *range(12, 22)]
    check = latency_check(baseline, candidate, 50, 0.10, FAST)
    assert check.change == pytest.approx(1.2)
    assert check.interval[0] <= 1
    assert check.passed


def test_too_few_samples_for_the_percentile_fail(latencies):
    check = latency_check(latencies[:999], latencies[:999], 99, 0.20, FAST)
    assert not check.passed
    assert check.reason == "p99 latency: 999 samples, 1000 needed"


@pytest.fixture(scope="module")
def scored() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(2)
    labels = rng.integers(0, 2, 1_500)
    return labels, labels * 0.5 + rng.uniform(0, 0.8, 1_500)


def test_the_same_scores_pass_quality(scored):
    labels, scores = scored
    check = quality_check(labels, scores, scores, FAST)
    assert check.passed
    assert check.change == 0
    assert check.interval == (0.0, 0.0)


def test_worse_scores_fail_quality(scored):
    labels, scores = scored
    noisy = scores + np.random.default_rng(3).uniform(0, 0.6, len(scores))
    check = quality_check(labels, scores, noisy, FAST)
    assert not check.passed
    assert check.change < -0.005
    assert check.interval[1] < 0
    assert check.reason.startswith("AUC: ")


def test_a_tiny_drop_within_tolerance_passes(scored):
    labels, scores = scored
    nudged = scores.copy()
    nudged[np.flatnonzero(labels == 1)[:3]] -= 0.4  # three positives ranked lower
    check = quality_check(labels, scores, nudged, FAST)
    assert -0.005 < check.change < 0
    assert check.passed


def test_quality_refuses_bad_input():
    with pytest.raises(ValueError, match="lengths differ: 3, 3, 2"):
        quality_check([0, 1, 1], [0.1, 0.2, 0.3], [0.1, 0.2])
    with pytest.raises(ValueError, match="both classes"):
        quality_check([1, 1], [0.1, 0.2], [0.1, 0.2])


def test_rank_auc_matches_scikit_learn_with_ties():
    rng = np.random.default_rng(4)
    labels = rng.integers(0, 2, (5, 60))
    scores = rng.integers(0, 6, (5, 60)).astype(float)  # many ties
    expected = [roc_auc_score(y, s) for y, s in zip(labels, scores, strict=True)]
    assert _auc(labels, scores) == pytest.approx(expected)
    assert np.isnan(_auc(np.ones((1, 4), int), np.arange(4.0)[None]))[0]


def test_the_report_fails_on_any_failing_check(latencies, scored):
    labels, scores = scored
    slow_tail = latencies.copy()
    slow_tail[::40] *= 4  # one request in 40 is four times slower
    report = compare_versions(latencies, slow_tail, labels, scores, scores, FAST)
    assert [check.name for check in report.checks] == [
        "p50 latency",
        "p99 latency",
        "AUC",
    ]
    assert [check.passed for check in report.checks] == [True, False, True]
    assert not report.passed
    assert len(report.reasons) == 1
    assert report.reasons[0].startswith("p99 latency")
    same = compare_versions(latencies, latencies, labels, scores, scores, FAST)
    assert same.passed
    assert same.reasons == ()
