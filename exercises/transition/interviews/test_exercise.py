"""Checks for the exercise of docs/transition/interviews.md: one requirement changed."""

from __future__ import annotations

from types import ModuleType

from transition.interview_math import (
    latency_headroom,
    size_online_service,
    worker_hours,
    workers_for_window,
)

PAGE_STEPS = {"network", "feature lookup", "model", "rules and log"}
VIEWS = 10_000_000 * 6  # the page's home-page views a day
SERIES = 1_500 * 20_000  # the page's store-product series


def ranking(views_per_day: float, hit_rate: float) -> tuple[int, float]:
    """Replicas and monthly cost of the page's ranking service, for the checks."""
    sized = size_online_service(
        views_per_day * (1 - hit_rate),
        peak_factor=3,
        latency_ms=80,
        cores=8,
        cpu_ms_per_request=40,
        hourly_price=0.40,
    )
    return sized.replicas, sized.monthly_cost


def test_the_fraud_path_keeps_its_steps(exercise: ModuleType) -> None:
    """Your fraud path has the page's four steps, each taking more than 0 ms."""
    path = exercise.FRAUD_PATH_MS
    assert set(path) == PAGE_STEPS, (
        f"FRAUD_PATH_MS has the steps {sorted(path)}: want the page's "
        f"{sorted(PAGE_STEPS)}; a step cannot vanish, only get faster"
    )
    free = sorted(step for step, ms in path.items() if not ms > 0)
    assert not free, f"{', '.join(free)} take no time in FRAUD_PATH_MS: nothing is free"


def test_the_fraud_path_fits_30_ms(exercise: ModuleType) -> None:
    """Your fraud path fits in 30 ms."""
    path = exercise.FRAUD_PATH_MS
    left = latency_headroom(30, path)
    assert left >= 0, (
        f"latency_headroom(30, FRAUD_PATH_MS) is {left:g} ms: the steps take "
        f"{sum(path.values()):g} ms; find what can be much faster when the whole "
        "check has 30 ms"
    )


def test_the_shop_is_sized_as_on_the_page(exercise: ModuleType) -> None:
    """shop_ranking sizes the page's shop, today and at ten times the traffic."""
    for views in (VIEWS, 10 * VIEWS):
        sized = exercise.shop_ranking(views, 0.7)
        want = ranking(views, 0.7)
        assert (sized.replicas, round(sized.monthly_cost)) == (
            want[0],
            round(want[1]),
        ), (
            f"for {views:,} views a day and a hit rate of 0.7, shop_ranking gives "
            f"{sized.replicas} replicas at ${sized.monthly_cost:,.0f} a month: want "
            f"{want[0]} at ${want[1]:,.0f}, the page's ranking service for the views "
            "the cache misses"
        )


def test_the_cache_keeps_the_fleet(exercise: ModuleType) -> None:
    """SHOP_HIT_RATE is the least hit rate that keeps 10x the views on today's fleet."""
    today, _ = ranking(VIEWS, 0.7)
    rate = exercise.SHOP_HIT_RATE
    assert rate is not None, (
        f"SHOP_HIT_RATE is None: want the least hit rate, to the hundredth, that "
        f"keeps ten times the views on today's {today} ranking replicas"
    )
    assert 0 <= rate < 1, f"SHOP_HIT_RATE is {rate}: a hit rate is from 0 to below 1"
    replicas, _ = ranking(10 * VIEWS, rate)
    assert replicas <= today, (
        f"with a hit rate of {rate}, ten times the views need {replicas} ranking "
        f"replicas: want at most today's {today}"
    )
    lower = round(rate - 0.01, 2)
    assert ranking(10 * VIEWS, lower)[0] > today, (
        f"a hit rate of {lower} already keeps ten times the views on {today} "
        "replicas: want the least rate that does, to the hundredth"
    )


def test_hourly_per_series_fits(exercise: ModuleType) -> None:
    """PER_SERIES_WORKERS is what one hourly run of per-series fits needs."""
    want = workers_for_window(worker_hours(SERIES, 0.5), window_hours=1)
    found = exercise.PER_SERIES_WORKERS
    assert found == want, (
        f"PER_SERIES_WORKERS is {found}: want the workers that fit the page's "
        "30 million series, half a second each, within one hour "
        "(worker_hours, then workers_for_window)"
    )


def test_hourly_global_model(exercise: ModuleType) -> None:
    """GLOBAL_WORKERS is what one hourly run of the global model needs."""
    want = workers_for_window(worker_hours(SERIES * 14, 1 / 200_000), window_hours=1)
    found = exercise.GLOBAL_WORKERS
    assert found == want, (
        f"GLOBAL_WORKERS is {found}: want the workers that score the page's 30 "
        "million series for 14 days each, at 200,000 rows a second per worker, "
        "within one hour"
    )
