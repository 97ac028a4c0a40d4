import pytest

from roles.slo import error_budget, latency_summary, percentile


def test_module_example_a_slow_tail_burns_the_budget():
    latencies_ms = [12, 15, 14, 90, 13, 16, 15, 14, 250, 15]
    assert latency_summary(latencies_ms) == {
        "p50": 15,
        "p95": 250,
        "p99": 250,
        "mean": 45.4,
    }
    budget = error_budget(requests=10_000, bad=25, objective=0.999)
    assert f"{budget.burn_rate:.1f}x, {budget.remaining:.0%}" == "2.5x, -150%"


def test_percentile_returns_an_observed_value_by_nearest_rank():
    values = [5, 1, 4, 2, 3]
    assert percentile(values, 50) == 3
    assert percentile(values, 20) == 1
    assert percentile(values, 21) == 2
    assert percentile(values, 100) == 5


@pytest.mark.parametrize("q", [0, -1, 100.5])
def test_percentile_rejects_q_outside_range(q):
    with pytest.raises(ValueError, match=r"q must be in \(0, 100\]"):
        percentile([1.0], q)


def test_percentile_rejects_empty_input():
    with pytest.raises(ValueError, match="values is empty"):
        percentile([], 50)


def test_latency_summary_shows_the_tail_the_mean_hides():
    latencies = [10.0] * 98 + [1000.0, 2000.0]
    summary = latency_summary(latencies)
    assert summary["p50"] == 10.0
    assert summary["p99"] == 1000.0
    assert summary["mean"] == pytest.approx(39.8)


def test_error_budget_burn_rate_and_remaining():
    budget = error_budget(requests=100_000, bad=50, objective=0.999)
    assert budget.allowed_bad == pytest.approx(100)
    assert budget.burn_rate == pytest.approx(0.5)
    assert budget.remaining == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"requests": 0, "bad": 0, "objective": 0.99}, "requests must be at least 1"),
        ({"requests": 10, "bad": 11, "objective": 0.99}, "bad must be between 0"),
        ({"requests": 10, "bad": -1, "objective": 0.99}, "bad must be between 0"),
        ({"requests": 10, "bad": 1, "objective": 1.0}, "objective must be in"),
        ({"requests": 10, "bad": 1, "objective": 99.9}, "objective must be in"),
    ],
)
def test_error_budget_names_the_bad_argument(kwargs, message):
    with pytest.raises(ValueError, match=message):
        error_budget(**kwargs)
