"""Back-of-the-envelope estimates for ML system design interviews.

An interviewer rarely checks whether your numbers are exact. They check that you
turn a product statement ("10 million users") into load, capacity, storage and cost,
out loud, with stated assumptions, and that the result changes your design. Every
function here is one step of that arithmetic, so you can rehearse it and check it.
"""

from __future__ import annotations

# --8<-- [start:imports]
import math
from collections.abc import Mapping
from dataclasses import dataclass

# --8<-- [end:imports]

# --8<-- [start:checks]
SECONDS_PER_DAY = 86_400
HOURS_PER_MONTH = 730  # 365 days * 24 hours / 12 months, the usual billing month


def _positive(name: str, value: float) -> None:
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {value}")


def _share(name: str, value: float, *, allow_zero: bool = False) -> None:
    low_ok = value >= 0 if allow_zero else value > 0
    if not (low_ok and value <= 1):
        bounds = "[0, 1]" if allow_zero else "(0, 1]"
        raise ValueError(f"{name} must be in {bounds}, got {value}")


# --8<-- [end:checks]


# --8<-- [start:traffic]
def requests_per_day(users: float, per_user: float) -> float:
    """Requests a day from daily active users and what each one does.

    Args:
        users: Daily active users (or events such as transactions, with per_user=1).
        per_user: Requests each user causes a day, e.g. page views that need a score.

    Returns:
        Requests per day.

    Raises:
        ValueError: If either argument is not positive.
    """
    _positive("users", users)
    _positive("per_user", per_user)
    return users * per_user


def average_qps(daily_requests: float) -> float:
    """Average requests per second over a day (86,400 seconds).

    Args:
        daily_requests: Requests per day.

    Returns:
        Requests per second, averaged over the whole day.

    Raises:
        ValueError: If daily_requests is not positive.
    """
    _positive("daily_requests", daily_requests)
    return daily_requests / SECONDS_PER_DAY


def peak_qps(average: float, peak_factor: float) -> float:
    """Requests per second in the busiest period: you size for this, not the average.

    Args:
        average: Average requests per second.
        peak_factor: Busiest rate over average rate; 2 to 5 is common for consumer
            traffic, which sleeps at night and spikes at lunch or on a sale day.

    Returns:
        Peak requests per second.

    Raises:
        ValueError: If average is not positive or peak_factor is below 1.
    """
    _positive("average", average)
    if peak_factor < 1:
        raise ValueError(f"peak_factor must be at least 1, got {peak_factor}")
    return average * peak_factor


def in_flight(qps: float, latency_ms: float) -> float:
    """Requests being served at any moment, by Little's law (L = arrival rate * time).

    Args:
        qps: Arrival rate, requests per second.
        latency_ms: Time each request spends in the system, in milliseconds.

    Returns:
        The average number of requests in the system at once.

    Raises:
        ValueError: If either argument is not positive.
    """
    _positive("qps", qps)
    _positive("latency_ms", latency_ms)
    return qps * latency_ms / 1000


# --8<-- [end:traffic]


# --8<-- [start:capacity]
def replica_capacity(cores: int, cpu_ms_per_request: float) -> float:
    """Requests per second one replica can serve when every core is busy.

    Args:
        cores: CPU cores given to the replica, one worker process per core.
        cpu_ms_per_request: CPU time one request costs, in milliseconds (measure it:
            a profile or a load test, not a guess).

    Returns:
        The replica's throughput at 100% CPU, in requests per second.

    Raises:
        ValueError: If either argument is not positive.
    """
    _positive("cores", cores)
    _positive("cpu_ms_per_request", cpu_ms_per_request)
    return cores * 1000 / cpu_ms_per_request


def replicas_needed(
    peak: float, capacity: float, utilisation: float = 0.6, spare: int = 1
) -> int:
    """Replicas to serve the peak below a target utilisation, plus spares.

    Queues, and so latency, grow sharply as a server nears 100% busy, which is why
    you plan for a utilisation well below 1. The spare replica keeps the peak
    covered while one replica restarts or a zone fails (N+1).

    Args:
        peak: Peak requests per second.
        capacity: One replica's throughput at 100% CPU, requests per second.
        utilisation: The busiest share of capacity you accept, in (0, 1].
        spare: Replicas on top of the ones the peak needs.

    Returns:
        The number of replicas to run at peak.

    Raises:
        ValueError: If an argument is out of range; the message names it.
    """
    _positive("peak", peak)
    _positive("capacity", capacity)
    _share("utilisation", utilisation)
    if spare < 0:
        raise ValueError(f"spare must be 0 or more, got {spare}")
    return math.ceil(peak / (capacity * utilisation)) + spare


# --8<-- [end:capacity]


# --8<-- [start:cost]
def monthly_cost(machines: float, hourly_price: float) -> float:
    """What machines that run all month cost.

    Args:
        machines: Replicas, workers or GPUs running all the time.
        hourly_price: The price of one of them for an hour.

    Returns:
        The cost of a 730-hour month, in the currency of hourly_price.

    Raises:
        ValueError: If machines is not positive or the price is negative.
    """
    _positive("machines", machines)
    if hourly_price < 0:
        raise ValueError(f"hourly_price must be 0 or more, got {hourly_price}")
    return machines * hourly_price * HOURS_PER_MONTH


def cost_per_thousand(month_cost: float, daily_requests: float) -> float:
    """Cost of 1,000 predictions: the unit a product owner can compare with revenue.

    Args:
        month_cost: What serving costs a month.
        daily_requests: Predictions served per day.

    Returns:
        The cost of 1,000 predictions over a 730-hour month.

    Raises:
        ValueError: If month_cost is negative or daily_requests is not positive.
    """
    if month_cost < 0:
        raise ValueError(f"month_cost must be 0 or more, got {month_cost}")
    _positive("daily_requests", daily_requests)
    monthly_requests = daily_requests * HOURS_PER_MONTH / 24
    return month_cost / monthly_requests * 1000


# --8<-- [end:cost]


# --8<-- [start:budget]
def latency_headroom(budget_ms: float, steps_ms: Mapping[str, float]) -> float:
    """What is left of a latency budget after each step on the request path.

    Add the steps' p99 latencies: it overstates the p99 of the sum a little, which
    is the safe side for a budget.

    Args:
        budget_ms: The end-to-end target, e.g. the p99 the caller needs.
        steps_ms: Each step on the path and its latency, in milliseconds.

    Returns:
        The headroom in milliseconds; negative when the steps exceed the budget.

    Raises:
        ValueError: If the budget is not positive, there are no steps, or a step
            is negative.
    """
    _positive("budget_ms", budget_ms)
    if not steps_ms:
        raise ValueError("steps_ms is empty: list the steps on the request path")
    for step, ms in steps_ms.items():
        if ms < 0:
            raise ValueError(f"step {step!r} has a negative latency: {ms}")
    return budget_ms - sum(steps_ms.values())


def cache_misses(qps: float, hit_rate: float) -> float:
    """Requests per second that get past a cache to the model.

    Args:
        qps: Requests per second arriving at the cache.
        hit_rate: Share of requests the cache answers, in [0, 1].

    Returns:
        Requests per second the model must still serve.

    Raises:
        ValueError: If qps is not positive or hit_rate is outside [0, 1].
    """
    _positive("qps", qps)
    _share("hit_rate", hit_rate, allow_zero=True)
    return qps * (1 - hit_rate)


# --8<-- [end:budget]


# --8<-- [start:storage]
def storage_bytes(
    records_per_day: float, bytes_per_record: float, days: float, copies: int = 1
) -> float:
    """Bytes kept by a log or a table that grows every day and is kept for a while.

    Args:
        records_per_day: Rows written per day, e.g. one per prediction.
        bytes_per_record: Size of one row as stored, after any compression.
        days: Retention: how many days of rows are kept.
        copies: Replicas the storage system keeps of each byte.

    Returns:
        The bytes stored once the retention window is full.

    Raises:
        ValueError: If an argument is not positive.
    """
    for name, value in [
        ("records_per_day", records_per_day),
        ("bytes_per_record", bytes_per_record),
        ("days", days),
        ("copies", copies),
    ]:
        _positive(name, value)
    return records_per_day * bytes_per_record * days * copies


def human_bytes(size: float) -> str:
    """Format bytes with decimal units (1 KB = 1,000 bytes), as cloud prices use.

    Args:
        size: A number of bytes, 0 or more.

    Returns:
        The size with one decimal and a unit, e.g. "5.4 TB".

    Raises:
        ValueError: If size is negative.
    """
    if size < 0:
        raise ValueError(f"size must be 0 or more, got {size}")
    for unit in ["B", "KB", "MB", "GB", "TB"]:
        if size < 1000:
            return f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} PB"


# --8<-- [end:storage]


# --8<-- [start:batch]
def worker_hours(items: float, seconds_per_item: float) -> float:
    """Compute time for a batch job, in worker-hours.

    Args:
        items: Rows to score or models to fit.
        seconds_per_item: Time one worker needs per item (measure it on a sample).

    Returns:
        The job's work, in hours of one worker.

    Raises:
        ValueError: If either argument is not positive.
    """
    _positive("items", items)
    _positive("seconds_per_item", seconds_per_item)
    return items * seconds_per_item / 3600


def workers_for_window(
    work_hours: float, window_hours: float, efficiency: float = 0.8
) -> int:
    """Workers that finish a batch job inside its time window.

    Args:
        work_hours: The job's work, in worker-hours.
        window_hours: Wall-clock hours the job may take, e.g. a nightly window.
        efficiency: Share of each worker's time spent on the work rather than on
            start-up, shuffles and stragglers, in (0, 1].

    Returns:
        The number of workers, rounded up.

    Raises:
        ValueError: If an argument is out of range.
    """
    _positive("work_hours", work_hours)
    _positive("window_hours", window_hours)
    _share("efficiency", efficiency)
    return math.ceil(work_hours / (window_hours * efficiency))


# --8<-- [end:batch]


# --8<-- [start:queue]
def backlog_after_outage(arrival_qps: float, outage_s: float) -> float:
    """Items that pile up in a queue while nothing consumes it.

    Args:
        arrival_qps: Items arriving per second.
        outage_s: How long consumers are down, in seconds.

    Returns:
        The number of items waiting when consumers come back.

    Raises:
        ValueError: If either argument is not positive.
    """
    _positive("arrival_qps", arrival_qps)
    _positive("outage_s", outage_s)
    return arrival_qps * outage_s


def drain_seconds(backlog: float, arrival_qps: float, capacity_qps: float) -> float:
    """Seconds to clear a backlog while new items keep arriving.

    Only capacity above the arrival rate drains the queue, which is why a system
    sized exactly for its load never catches up after an outage.

    Args:
        backlog: Items waiting.
        arrival_qps: Items still arriving per second.
        capacity_qps: Items the consumers process per second.

    Returns:
        Seconds until the queue is empty.

    Raises:
        ValueError: If capacity does not exceed arrivals, or an argument is out of
            range.
    """
    if backlog < 0:
        raise ValueError(f"backlog must be 0 or more, got {backlog}")
    _positive("arrival_qps", arrival_qps)
    if capacity_qps <= arrival_qps:
        raise ValueError(
            f"capacity_qps ({capacity_qps}) must exceed arrival_qps ({arrival_qps}): "
            "the backlog would never drain"
        )
    return backlog / (capacity_qps - arrival_qps)


# --8<-- [end:queue]


# --8<-- [start:sizing]
@dataclass(frozen=True)
class OnlineSizing:
    """The capacity and cost of an online prediction service, from its load.

    Attributes:
        daily_requests: Predictions per day.
        average_qps: Average requests per second.
        peak_qps: Requests per second at the busiest time.
        in_flight: Requests in the system at peak, by Little's law.
        replicas: Replicas to run at peak, spares included.
        monthly_cost: Cost of running that many replicas all month.
        cost_per_1000: Cost of 1,000 predictions.
    """

    daily_requests: float
    average_qps: float
    peak_qps: float
    in_flight: float
    replicas: int
    monthly_cost: float
    cost_per_1000: float

    def load(self) -> str:
        """The load, in one line, as you would say it in an interview."""
        return (
            f"{self.average_qps:,.0f}/s average, {self.peak_qps:,.0f}/s at peak, "
            f"{self.in_flight:,.0f} in flight"
        )

    def cost(self) -> str:
        """The replicas and what they cost, in one line."""
        return (
            f"{self.replicas} replicas, ${self.monthly_cost:,.0f} a month, "
            f"${self.cost_per_1000:.4f} per 1,000 predictions"
        )


def size_online_service(
    daily_requests: float,
    *,
    peak_factor: float,
    latency_ms: float,
    cores: int,
    cpu_ms_per_request: float,
    hourly_price: float,
    utilisation: float = 0.6,
    spare: int = 1,
) -> OnlineSizing:
    """Chain the estimates for an online service, from load to cost per prediction.

    Replicas run all month at the peak count: an autoscaler lowers the cost, so
    this is the upper bound you quote first.

    Args:
        daily_requests: Predictions per day.
        peak_factor: Busiest rate over the average rate.
        latency_ms: Time a request spends in the service (for Little's law).
        cores: CPU cores per replica.
        cpu_ms_per_request: CPU time per request, in milliseconds.
        hourly_price: Price of one replica for an hour.
        utilisation: The busiest share of capacity you accept.
        spare: Replicas on top of what the peak needs.

    Returns:
        Every number of the estimate, with one-line descriptions to print.
    """
    average = average_qps(daily_requests)
    peak = peak_qps(average, peak_factor)
    capacity = replica_capacity(cores, cpu_ms_per_request)
    replicas = replicas_needed(peak, capacity, utilisation, spare)
    month = monthly_cost(replicas, hourly_price)
    return OnlineSizing(
        daily_requests=daily_requests,
        average_qps=average,
        peak_qps=peak,
        in_flight=in_flight(peak, latency_ms),
        replicas=replicas,
        monthly_cost=month,
        cost_per_1000=cost_per_thousand(month, daily_requests),
    )


# --8<-- [end:sizing]
