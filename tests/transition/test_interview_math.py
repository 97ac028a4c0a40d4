import pytest

from transition.interview_math import (
    HOURS_PER_MONTH,
    average_qps,
    backlog_after_outage,
    cache_misses,
    cost_per_thousand,
    drain_seconds,
    human_bytes,
    in_flight,
    latency_headroom,
    monthly_cost,
    peak_qps,
    replica_capacity,
    replicas_needed,
    requests_per_day,
    size_online_service,
    storage_bytes,
    worker_hours,
    workers_for_window,
)


def test_module_example_users_become_requests_per_second():
    daily = requests_per_day(users=2_000_000, per_user=5)
    assert f"{average_qps(daily):.0f}" == "116"
    assert f"{peak_qps(average_qps(daily), peak_factor=3):.0f}" == "347"


def test_one_request_per_second_is_86_400_a_day():
    assert average_qps(86_400) == pytest.approx(1.0)
    assert average_qps(requests_per_day(users=1_000_000, per_user=8.64)) == (
        pytest.approx(100.0)
    )


def test_peak_scales_the_average_and_refuses_a_factor_below_one():
    assert peak_qps(100, peak_factor=3) == pytest.approx(300)
    assert peak_qps(100, peak_factor=1) == pytest.approx(100)
    with pytest.raises(ValueError, match="peak_factor must be at least 1"):
        peak_qps(100, peak_factor=0.5)


def test_littles_law_gives_requests_in_flight():
    # 200 requests a second, each in the system for 50 ms: 10 at any moment.
    assert in_flight(qps=200, latency_ms=50) == pytest.approx(10)


def test_replica_capacity_is_cores_over_cpu_time():
    assert replica_capacity(cores=4, cpu_ms_per_request=8) == pytest.approx(500)


def test_replicas_cover_the_peak_below_target_utilisation_plus_spares():
    # 1,000/s over 500/s at 50% busy is 4 replicas, plus one spare.
    assert replicas_needed(1_000, 500, utilisation=0.5, spare=1) == 5
    # Any remainder needs a whole replica.
    assert replicas_needed(1_001, 500, utilisation=0.5, spare=0) == 5
    assert replicas_needed(10, 500, utilisation=1.0, spare=0) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"utilisation": 0}, r"utilisation must be in \(0, 1\]"),
        ({"utilisation": 1.5}, r"utilisation must be in \(0, 1\]"),
        ({"spare": -1}, "spare must be 0 or more"),
    ],
)
def test_replicas_needed_names_the_bad_argument(kwargs, message):
    with pytest.raises(ValueError, match=message):
        replicas_needed(100, 50, **kwargs)


def test_monthly_cost_uses_a_730_hour_month():
    assert HOURS_PER_MONTH == 730
    assert monthly_cost(machines=2, hourly_price=0.5) == pytest.approx(730)
    assert monthly_cost(machines=2, hourly_price=0) == 0
    with pytest.raises(ValueError, match="hourly_price must be 0 or more"):
        monthly_cost(machines=2, hourly_price=-1)


def test_cost_per_thousand_divides_by_a_months_predictions():
    # 1,000 predictions a day is 30,416.7 a month; $30.42 a month is $1 per 1,000.
    month = 1_000 * HOURS_PER_MONTH / 24 / 1000
    assert cost_per_thousand(month, daily_requests=1_000) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="month_cost must be 0 or more"):
        cost_per_thousand(-1, daily_requests=1_000)


def test_latency_headroom_is_negative_when_the_steps_overrun():
    steps = {"network": 20, "features": 30, "model": 10}
    assert latency_headroom(100, steps) == pytest.approx(40)
    assert latency_headroom(50, steps) == pytest.approx(-10)


def test_latency_headroom_rejects_no_steps_and_negative_steps():
    with pytest.raises(ValueError, match="steps_ms is empty"):
        latency_headroom(100, {})
    with pytest.raises(ValueError, match="step 'model' has a negative latency"):
        latency_headroom(100, {"model": -1})


def test_cache_misses_are_what_the_model_still_serves():
    assert cache_misses(1_000, hit_rate=0.8) == pytest.approx(200)
    assert cache_misses(1_000, hit_rate=0) == pytest.approx(1_000)
    assert cache_misses(1_000, hit_rate=1) == 0
    with pytest.raises(ValueError, match=r"hit_rate must be in \[0, 1\]"):
        cache_misses(1_000, hit_rate=1.2)


def test_storage_multiplies_rows_size_retention_and_copies():
    assert storage_bytes(1_000, 500, days=30, copies=3) == 45_000_000
    with pytest.raises(ValueError, match="days must be positive"):
        storage_bytes(1_000, 500, days=0)


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0.0 B"),
        (999, "999.0 B"),
        (1_500, "1.5 KB"),
        (5_400_000_000_000, "5.4 TB"),
        (2e15, "2.0 PB"),
    ],
)
def test_human_bytes_uses_decimal_units(size, text):
    assert human_bytes(size) == text


def test_human_bytes_rejects_a_negative_size():
    with pytest.raises(ValueError, match="size must be 0 or more"):
        human_bytes(-1)


def test_batch_work_and_the_workers_that_fit_it_in_a_window():
    hours = worker_hours(items=36_000, seconds_per_item=1)
    assert hours == pytest.approx(10)
    assert workers_for_window(hours, window_hours=2, efficiency=1.0) == 5
    # Losing a fifth of each worker's time to overheads needs a 7th worker.
    assert workers_for_window(hours, window_hours=2, efficiency=0.8) == 7


def test_a_queue_drains_only_with_capacity_above_arrivals():
    backlog = backlog_after_outage(arrival_qps=10, outage_s=600)
    assert backlog == pytest.approx(6_000)
    assert drain_seconds(backlog, arrival_qps=10, capacity_qps=15) == (
        pytest.approx(1_200)
    )
    assert drain_seconds(0, arrival_qps=10, capacity_qps=15) == 0
    with pytest.raises(ValueError, match="the backlog would never drain"):
        drain_seconds(backlog, arrival_qps=10, capacity_qps=10)
    with pytest.raises(ValueError, match="backlog must be 0 or more"):
        drain_seconds(-1, arrival_qps=10, capacity_qps=15)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: requests_per_day(0, 1), "users must be positive"),
        (lambda: requests_per_day(1, 0), "per_user must be positive"),
        (lambda: average_qps(0), "daily_requests must be positive"),
        (lambda: in_flight(0, 10), "qps must be positive"),
        (lambda: replica_capacity(0, 10), "cores must be positive"),
        (lambda: worker_hours(10, -1), "seconds_per_item must be positive"),
        (lambda: workers_for_window(1, 0), "window_hours must be positive"),
        (lambda: backlog_after_outage(1, 0), "outage_s must be positive"),
    ],
)
def test_each_estimate_names_the_argument_that_is_not_positive(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_online_sizing_chains_the_steps():
    sizing = size_online_service(
        8_640_000,  # 100 requests/s on average
        peak_factor=3,
        latency_ms=50,
        cores=2,
        cpu_ms_per_request=10,  # 200/s per replica
        hourly_price=0.1,
        utilisation=0.5,
        spare=1,
    )
    assert sizing.average_qps == pytest.approx(100)
    assert sizing.peak_qps == pytest.approx(300)
    assert sizing.in_flight == pytest.approx(15)
    assert sizing.replicas == 3 + 1
    assert sizing.monthly_cost == pytest.approx(4 * 0.1 * 730)
    monthly_requests = 8_640_000 * 730 / 24
    assert sizing.cost_per_1000 == pytest.approx(292 / monthly_requests * 1000)
    assert sizing.load() == "100/s average, 300/s at peak, 15 in flight"
    assert sizing.cost() == "4 replicas, $292 a month, $0.0011 per 1,000 predictions"
