"""Back-of-envelope capacity arithmetic for a prediction service.

Before you build a service, you can know roughly how many replicas it needs and what
a thousand predictions will cost, from four numbers: daily traffic, how peaky it is,
how long one request keeps a worker busy, and what a replica costs. The functions
here do that arithmetic, check their inputs, and name the input that is wrong.
"""

from __future__ import annotations

# --8<-- [start:imports]
import math
from dataclasses import dataclass

# --8<-- [end:imports]

# --8<-- [start:checks]
SECONDS_PER_DAY = 86_400


def _number(name: str, value: float) -> float:
    """Return value as a float, or say which argument is not a finite number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return float(value)


def _positive(name: str, value: float) -> float:
    if _number(name, value) <= 0:
        raise ValueError(f"{name} must be greater than 0, got {value!r}")
    return float(value)


def _non_negative(name: str, value: float) -> float:
    if _number(name, value) < 0:
        raise ValueError(f"{name} must be at least 0, got {value!r}")
    return float(value)


def _whole(name: str, value: int, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return value


def _ceil(value: float) -> int:
    """Round up, ignoring float noise: 2.0000000000000004 replicas is 2, not 3."""
    return math.ceil(round(value, 9))


# --8<-- [end:checks]


# --8<-- [start:traffic]
def peak_rps(requests_per_day: float, peak_to_average: float) -> float:
    """Return the busiest rate the service must absorb, in requests per second.

    Traffic is never flat: people work in the day and sleep at night. Size for the
    peak, not for the daily average.

    Args:
        requests_per_day: Requests on a typical day.
        peak_to_average: Busiest rate over average rate, at least 1.

    Raises:
        ValueError: If an argument is out of range; the message names it.
    """
    per_day = _positive("requests_per_day", requests_per_day)
    if _number("peak_to_average", peak_to_average) < 1:
        raise ValueError(f"peak_to_average must be at least 1, got {peak_to_average!r}")
    return per_day / SECONDS_PER_DAY * peak_to_average


def in_flight(rate_rps: float, latency_ms: float) -> float:
    """Return how many requests are inside the service at once, by Little's law.

    Little's law, L = lambda x W, holds for any stable system: the average number of
    requests in it equals the arrival rate times the average time each spends
    inside. It tells you how much concurrency (workers, connections, memory for
    requests) the service must hold at that rate.

    Args:
        rate_rps: Arrival rate, in requests per second.
        latency_ms: Average time a request spends in the service, waiting included.

    Raises:
        ValueError: If an argument is out of range; the message names it.
    """
    return _positive("rate_rps", rate_rps) * _positive("latency_ms", latency_ms) / 1000


# --8<-- [end:traffic]


# --8<-- [start:replicas]
def replica_capacity_rps(service_ms: float, workers_per_replica: int = 1) -> float:
    """Return the most requests per second one replica can complete.

    Args:
        service_ms: Time one request keeps a worker busy (measured, not guessed).
        workers_per_replica: Requests a replica works on at the same time, e.g. its
            processes for CPU-bound scoring.

    Raises:
        ValueError: If an argument is out of range; the message names it.
    """
    workers = _whole("workers_per_replica", workers_per_replica, 1)
    return workers * 1000 / _positive("service_ms", service_ms)


def replicas_needed(
    peak_rps: float,
    capacity_rps: float,
    target_utilization: float = 0.7,
    min_replicas: int = 2,
) -> int:
    """Return the replicas that serve the peak at no more than the target utilization.

    Running at 100% leaves no room for a burst, for a replica that is restarting, or
    for the minutes an autoscaler needs to add more; queues, and latency, grow without
    bound as utilization approaches 1. The target keeps that headroom.

    Args:
        peak_rps: The busiest rate, in requests per second.
        capacity_rps: What one replica completes per second at most.
        target_utilization: Share of capacity to use at peak, in (0, 1].
        min_replicas: Replicas for availability, whatever the load: with 2, one can
            fail or restart while the other serves.

    Raises:
        ValueError: If an argument is out of range; the message names it.
    """
    peak = _positive("peak_rps", peak_rps)
    capacity = _positive("capacity_rps", capacity_rps)
    if not 0 < _number("target_utilization", target_utilization) <= 1:
        raise ValueError(
            f"target_utilization must be in (0, 1], got {target_utilization!r}"
        )
    floor = _whole("min_replicas", min_replicas, 1)
    return max(floor, _ceil(peak / (capacity * target_utilization)))


# --8<-- [end:replicas]


# --8<-- [start:cost]
def cost_per_1000(cost_per_hour: float, average_rps: float) -> float:
    """Return what a thousand predictions cost, at the average rate.

    Args:
        cost_per_hour: What the whole fleet costs per hour, e.g. replicas x price.
        average_rps: The average rate over the day, in requests per second.

    Raises:
        ValueError: If an argument is out of range; the message names it.
    """
    hourly = _non_negative("cost_per_hour", cost_per_hour)
    return hourly / (_positive("average_rps", average_rps) * 3600) * 1000


def batch_duration_s(rows: int, rows_per_s: float, workers: int = 1) -> float:
    """Return how long a batch job takes to score every row.

    Args:
        rows: Rows to score.
        rows_per_s: What one worker scores per second (measured).
        workers: Workers scoring in parallel; assumes the work splits evenly.

    Raises:
        ValueError: If an argument is out of range; the message names it.
    """
    count = _whole("rows", rows, 1)
    parallel = _whole("workers", workers, 1)
    return count / (_positive("rows_per_s", rows_per_s) * parallel)


# --8<-- [end:cost]


# --8<-- [start:plan]
@dataclass(frozen=True)
class Workload:
    """What a product need asks of an online prediction service.

    Attributes:
        requests_per_day: Requests on a typical day.
        peak_to_average: Busiest rate over average rate, at least 1.
        service_ms: Time one request keeps a worker busy.
        latency_ms: Time a request spends in the service, waiting included.
        replica_cost_per_hour: Price of one replica for an hour.
        workers_per_replica: Requests one replica works on at once.
        target_utilization: Share of capacity to use at peak, in (0, 1].
        min_replicas: Replicas kept for availability, whatever the load.
    """

    requests_per_day: float
    peak_to_average: float
    service_ms: float
    latency_ms: float
    replica_cost_per_hour: float
    workers_per_replica: int = 1
    target_utilization: float = 0.7
    min_replicas: int = 2


@dataclass(frozen=True)
class CapacityPlan:
    """The numbers a design document states, derived from a `Workload`."""

    average_rps: float
    peak_rps: float
    in_flight_at_peak: float
    replica_capacity_rps: float
    replicas: int
    peak_utilization: float
    headroom: float
    cost_per_hour: float
    cost_per_1000: float


def plan(workload: Workload) -> CapacityPlan:
    """Size a fleet for a workload: replicas, utilization at peak, and cost.

    The cost assumes the replica count stays fixed all day. An autoscaler that
    removes replicas at night makes the real figure lower; use this as the ceiling.

    Raises:
        ValueError: If a field of the workload is out of range; the message names it.
    """
    w = workload
    average = _positive("requests_per_day", w.requests_per_day) / SECONDS_PER_DAY
    peak = peak_rps(w.requests_per_day, w.peak_to_average)
    capacity = replica_capacity_rps(w.service_ms, w.workers_per_replica)
    replicas = replicas_needed(peak, capacity, w.target_utilization, w.min_replicas)
    utilization = peak / (replicas * capacity)
    hourly = replicas * _non_negative("replica_cost_per_hour", w.replica_cost_per_hour)
    return CapacityPlan(
        average_rps=average,
        peak_rps=peak,
        in_flight_at_peak=in_flight(peak, w.latency_ms),
        replica_capacity_rps=capacity,
        replicas=replicas,
        peak_utilization=utilization,
        headroom=1 - utilization,
        cost_per_hour=hourly,
        cost_per_1000=cost_per_1000(hourly, average),
    )


# --8<-- [end:plan]


# --8<-- [start:hpa]
def hpa_desired_replicas(
    current_replicas: int,
    current_utilization: float,
    target_utilization: float,
    min_replicas: int,
    max_replicas: int,
    tolerance: float = 0.1,
) -> int:
    """Return the replica count a Kubernetes HorizontalPodAutoscaler asks for.

    The autoscaler's core rule is ``ceil(current x current / target)``; it does
    nothing while the ratio is within the tolerance of 1 (0.1 by default), and it
    never leaves ``[min_replicas, max_replicas]``. Real autoscalers also set aside
    pods that are not ready or have no metrics yet, and apply the scale-down
    stabilisation window; this function is the arithmetic, not the controller.

    Args:
        current_replicas: Pods running now.
        current_utilization: Their average CPU use, as a share of the CPU request
            (0.9 is 90%; above 1 is possible up to the limit).
        target_utilization: The autoscaler's target, as a share (0.7 is 70%).
        min_replicas: The autoscaler's ``minReplicas``.
        max_replicas: The autoscaler's ``maxReplicas``.
        tolerance: Ratios within this distance of 1 change nothing.

    Raises:
        ValueError: If an argument is out of range; the message names it.
    """
    current = _whole("current_replicas", current_replicas, 1)
    low = _whole("min_replicas", min_replicas, 1)
    high = _whole("max_replicas", max_replicas, low)
    usage = _non_negative("current_utilization", current_utilization)
    ratio = usage / _positive("target_utilization", target_utilization)
    slack = _non_negative("tolerance", tolerance)
    desired = current if abs(ratio - 1) <= slack else _ceil(current * ratio)
    return min(high, max(low, desired))


# --8<-- [end:hpa]
