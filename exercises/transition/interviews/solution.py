"""One answer to the exercise of docs/transition/interviews.md.

Fraud in 30 ms: the page's path spends 60 ms, 40 of them on the network and the
feature lookup, so the change is where the features live (in the scoring service's
memory, beside the authorisation service), not a faster model. The shop at ten times
the traffic: the ranking fleet grows with the cache's misses, so the cache answers
97% of views instead of 70% to keep today's fleet. Hourly forecasts: per-series fits
need thousands of workers each hour, the global model still one. Read it after your
own attempt.
"""

from transition.interview_math import (
    OnlineSizing,
    size_online_service,
    worker_hours,
    workers_for_window,
)

# 1. Fraud scoring in 30 ms: features from the service's own memory, in one zone.
FRAUD_PATH_MS = {"network": 5, "feature lookup": 3, "model": 10, "rules and log": 5}


# 2. Home-page recommendations, with ten times the traffic.
def shop_ranking(views_per_day: float, hit_rate: float) -> OnlineSizing:
    """Size the ranking service for the home page, as the page's answer does.

    Args:
        views_per_day: Home-page views a day.
        hit_rate: Share of views the cache of precomputed lists answers.

    Returns:
        The ranking service's sizing: only the cache's misses reach it.
    """
    return size_online_service(
        views_per_day * (1 - hit_rate),
        peak_factor=3,
        latency_ms=80,
        cores=8,
        cpu_ms_per_request=40,
        hourly_price=0.40,
    )


SHOP_HIT_RATE = 0.97

# 3. Demand forecasting every hour: 30 million series, 14 days each.
SERIES = 1_500 * 20_000
PER_SERIES_WORKERS = workers_for_window(
    worker_hours(SERIES, seconds_per_item=0.5), window_hours=1
)
GLOBAL_WORKERS = workers_for_window(
    worker_hours(SERIES * 14, seconds_per_item=1 / 200_000), window_hours=1
)
