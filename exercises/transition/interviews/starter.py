"""Exercise: change one requirement of a design answer, and redo the arithmetic.

From docs/transition/interviews.md. Three of the page's questions, each with one
requirement changed: the fraud check gets 30 ms instead of 100, the shop has ten
times the traffic, and the forecast is needed every hour. Redo the arithmetic with
the page's functions (``transition.interview_math``) and say what has to change.

Edit this file, then run ``make exercise NAME=transition/interviews``.
"""

from transition.interview_math import OnlineSizing

# 1. Fraud scoring: the payments team gives you 30 ms at p99, not 100.
PAGE_PATH_MS = {"network": 15, "feature lookup": 25, "model": 10, "rules and log": 10}
# TODO: the same four steps, each with a latency above 0 you could defend, that
# leave latency_headroom(30, FRAUD_PATH_MS) at 0 or more. Which step can shrink?
FRAUD_PATH_MS: dict[str, float] = dict(PAGE_PATH_MS)


# 2. Home-page recommendations, with ten times the traffic.
def shop_ranking(views_per_day: float, hit_rate: float) -> OnlineSizing:
    """Size the ranking service for the home page, as the page's answer does.

    Args:
        views_per_day: Home-page views a day.
        hit_rate: Share of views the cache of precomputed lists answers.

    Returns:
        The ranking service's sizing: only the cache's misses reach it.
    """
    # TODO: size_online_service, with the page's peak factor, latency, cores, CPU
    # time and price, for the views that get past the cache.
    raise NotImplementedError("shop_ranking: size the ranking service as the page does")


# TODO: the least hit rate, to the hundredth, that keeps ten times today's views on
# as many ranking replicas as today's traffic needs with a hit rate of 0.7.
SHOP_HIT_RATE: float | None = None

# 3. Demand forecasting, needed every hour: each run must finish within the hour.
# TODO: the workers one hourly run needs with per-series fits, and with the global
# model (worker_hours and workers_for_window, with the page's seconds per item).
PER_SERIES_WORKERS: int | None = None
GLOBAL_WORKERS: int | None = None
