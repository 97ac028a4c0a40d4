import math

import pytest

from skills.capacity import (
    SECONDS_PER_DAY,
    Workload,
    batch_duration_s,
    cost_per_1000,
    hpa_desired_replicas,
    in_flight,
    peak_rps,
    plan,
    replica_capacity_rps,
    replicas_needed,
)


def test_module_example_replicas_and_requests_in_flight():
    assert replicas_needed(peak_rps=120, capacity_rps=50, target_utilization=0.7) == 4
    assert in_flight(rate_rps=120, latency_ms=50) == 6.0


def test_peak_rps_scales_the_daily_average():
    assert peak_rps(SECONDS_PER_DAY, 1) == pytest.approx(1.0)
    assert peak_rps(864_000, 4) == pytest.approx(40.0)


def test_littles_law_multiplies_rate_by_time_in_system():
    assert in_flight(rate_rps=200, latency_ms=25) == pytest.approx(5.0)


def test_replica_capacity_counts_every_worker():
    assert replica_capacity_rps(service_ms=20) == pytest.approx(50.0)
    assert replica_capacity_rps(service_ms=20, workers_per_replica=4) == 200.0


@pytest.mark.parametrize(
    ("peak", "capacity", "target", "minimum", "expected"),
    [
        (10, 50, 0.7, 2, 2),  # availability, not load, sets the count
        (120, 50, 0.7, 2, 4),  # 120 / 35 = 3.4, rounded up
        (100, 50, 1.0, 1, 2),  # exactly full: no extra replica
        (9, 3, 0.3, 1, 10),  # 9 / 0.9 is 10.000000000000002 in floats, still 10
        (9.1, 3, 0.3, 1, 11),  # a little more load tips it over
    ],
)
def test_replicas_needed(peak, capacity, target, minimum, expected):
    assert replicas_needed(peak, capacity, target, minimum) == expected


def test_cost_per_1000_at_the_average_rate():
    # 3.6 per hour for 3,600 requests per hour: 1.0 per request, 1,000 per 1,000.
    assert cost_per_1000(cost_per_hour=3.6, average_rps=1) == pytest.approx(1.0)
    assert cost_per_1000(cost_per_hour=0, average_rps=1) == 0


def test_batch_duration_splits_rows_over_workers():
    assert batch_duration_s(rows=1_000_000, rows_per_s=50_000) == pytest.approx(20)
    assert batch_duration_s(1_000_000, 50_000, workers=4) == pytest.approx(5)


def test_plan_puts_the_numbers_together():
    result = plan(
        Workload(
            requests_per_day=8_640_000,  # 100 requests/s on average
            peak_to_average=3,
            service_ms=20,
            latency_ms=40,
            replica_cost_per_hour=0.5,
        )
    )
    assert result.average_rps == pytest.approx(100)
    assert result.peak_rps == pytest.approx(300)
    assert result.in_flight_at_peak == pytest.approx(12)
    assert result.replica_capacity_rps == pytest.approx(50)
    assert result.replicas == 9  # 300 / (50 x 0.7) = 8.6
    assert result.peak_utilization == pytest.approx(300 / 450)
    assert result.headroom == pytest.approx(1 - 300 / 450)
    assert result.cost_per_hour == pytest.approx(4.5)
    assert result.cost_per_1000 == pytest.approx(4.5 / 360)


def test_plan_names_the_bad_field():
    workload = Workload(
        requests_per_day=1000,
        peak_to_average=2,
        service_ms=20,
        latency_ms=40,
        replica_cost_per_hour=-1,
    )
    with pytest.raises(
        ValueError, match=r"replica_cost_per_hour must be at least 0, got -1"
    ):
        plan(workload)


@pytest.mark.parametrize(
    ("current", "utilization", "expected"),
    [
        (2, 1.05, 3),  # the worked example on the capstone's Kubernetes page
        (2, 0.75, 2),  # 0.75 / 0.7 = 1.07: within the tolerance, no change
        (4, 0.35, 2),  # half the target: half the pods
        (4, 0.0, 2),  # idle: never below the minimum
        (8, 3.0, 10),  # far over: never above the maximum
    ],
)
def test_hpa_desired_replicas(current, utilization, expected):
    assert hpa_desired_replicas(current, utilization, 0.7, 2, 10) == expected


def test_hpa_tolerance_zero_reacts_to_any_change():
    assert hpa_desired_replicas(2, 0.75, 0.7, 1, 10, tolerance=0) == 3


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: peak_rps(0, 2), "requests_per_day must be greater than 0, got 0"),
        (lambda: peak_rps(100, 0.5), "peak_to_average must be at least 1, got 0.5"),
        (lambda: peak_rps("100", 2), "requests_per_day must be a number, got '100'"),
        (lambda: peak_rps(True, 2), "requests_per_day must be a number, got True"),
        (lambda: peak_rps(math.nan, 2), "requests_per_day must be finite, got nan"),
        (lambda: in_flight(10, -5), "latency_ms must be greater than 0, got -5"),
        (lambda: in_flight(math.inf, 5), "rate_rps must be finite, got inf"),
        (lambda: replica_capacity_rps(0), "service_ms must be greater than 0, got 0"),
        (
            lambda: replica_capacity_rps(20, 0),
            "workers_per_replica must be a whole number >= 1, got 0",
        ),
        (
            lambda: replica_capacity_rps(20, 1.5),
            "workers_per_replica must be a whole number >= 1, got 1.5",
        ),
        (lambda: replicas_needed(-1, 50), "peak_rps must be greater than 0, got -1"),
        (lambda: replicas_needed(1, 0), "capacity_rps must be greater than 0, got 0"),
        (
            lambda: replicas_needed(1, 50, 70),
            r"target_utilization must be in \(0, 1\], got 70",
        ),
        (
            lambda: replicas_needed(1, 50, 0),
            r"target_utilization must be in \(0, 1\], got 0",
        ),
        (
            lambda: replicas_needed(1, 50, 0.7, 0),
            "min_replicas must be a whole number >= 1, got 0",
        ),
        (lambda: cost_per_1000(-2, 1), "cost_per_hour must be at least 0, got -2"),
        (lambda: cost_per_1000(2, 0), "average_rps must be greater than 0, got 0"),
        (lambda: batch_duration_s(0, 10), "rows must be a whole number >= 1, got 0"),
        (lambda: batch_duration_s(10, 0), "rows_per_s must be greater than 0, got 0"),
        (
            lambda: batch_duration_s(10, 1, workers=0),
            "workers must be a whole number >= 1, got 0",
        ),
        (
            lambda: hpa_desired_replicas(0, 0.5, 0.7, 1, 3),
            "current_replicas must be a whole number >= 1, got 0",
        ),
        (
            lambda: hpa_desired_replicas(2, 0.5, 0.7, 3, 2),
            "max_replicas must be a whole number >= 3, got 2",
        ),
        (
            lambda: hpa_desired_replicas(2, -0.1, 0.7, 1, 3),
            "current_utilization must be at least 0, got -0.1",
        ),
        (
            lambda: hpa_desired_replicas(2, 0.5, 0, 1, 3),
            "target_utilization must be greater than 0, got 0",
        ),
        (
            lambda: hpa_desired_replicas(2, 0.5, 0.7, 1, 3, tolerance=-1),
            "tolerance must be at least 0, got -1",
        ),
    ],
)
def test_bad_input_names_the_parameter_and_the_value(call, message):
    with pytest.raises(ValueError, match=message):
        call()
