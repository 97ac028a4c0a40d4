import pytest

from benchmarks.latency import LatencySummary, ratio, summarize


def test_summary_uses_nearest_rank_so_every_percentile_was_observed():
    summary = summarize([5.0, 1.0, 4.0, 2.0, 3.0])
    assert summary == LatencySummary(
        count=5, p50=3.0, p95=5.0, p99=5.0, mean=3.0, max=5.0
    )


def test_percentiles_of_one_to_a_hundred():
    summary = summarize([float(i) for i in range(100, 0, -1)])
    assert (summary.p50, summary.p95, summary.p99) == (50.0, 95.0, 99.0)


def test_summary_survives_a_round_trip_through_json_shape():
    summary = summarize([1.5, 2.5])
    assert LatencySummary.from_dict(summary.to_dict()) == summary


def test_no_latencies_is_an_error_that_says_so():
    with pytest.raises(ValueError, match="no latencies"):
        summarize([])


def test_ratio_is_how_many_times_larger():
    assert ratio(30.0, 10.0) == pytest.approx(3.0)


@pytest.mark.parametrize("denominator", [0.0, -1.0])
def test_ratio_refuses_a_time_that_cannot_be(denominator):
    with pytest.raises(ValueError, match=f"time of {denominator}: must be > 0"):
        ratio(1.0, denominator)
