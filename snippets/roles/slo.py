"""Turn raw request logs into the numbers an ML engineer is judged by.

A data scientist reports a model metric such as AUC. An ML engineer also reports
how the service behaves for its users: latency percentiles against a target, and
how much of the error budget a period of traffic has used.
"""

from __future__ import annotations

# --8<-- [start:imports]
import math
from collections.abc import Sequence
from dataclasses import dataclass

# --8<-- [end:imports]


# --8<-- [start:percentiles]
def percentile(values: Sequence[float], q: float) -> float:
    """Return the nearest-rank percentile of values.

    The q-th percentile is the smallest observation that at least q% of the
    observations do not exceed.

    Nearest rank always returns an observed value, so "p99 = 250 ms" means a real
    request took 250 ms. Interpolating methods can report a latency nobody saw.

    Args:
        values: Observations, in any order.
        q: The percentile, in (0, 100].

    Returns:
        The observation at rank ceil(q / 100 * n) in sorted order.

    Raises:
        ValueError: If values is empty or q is outside (0, 100].
    """
    if not values:
        raise ValueError("values is empty: a percentile needs at least one observation")
    if not 0 < q <= 100:
        raise ValueError(f"q must be in (0, 100], got {q}")
    ordered = sorted(values)
    rank = math.ceil(q / 100 * len(ordered))
    return ordered[rank - 1]


def latency_summary(latencies_ms: Sequence[float]) -> dict[str, float]:
    """Summarise request latencies the way a service-level objective states them.

    Args:
        latencies_ms: One latency per request, in milliseconds.

    Returns:
        The p50, p95 and p99 latencies, and the mean for comparison.
    """
    return {
        "p50": percentile(latencies_ms, 50),
        "p95": percentile(latencies_ms, 95),
        "p99": percentile(latencies_ms, 99),
        "mean": round(sum(latencies_ms) / len(latencies_ms), 1),
    }


# --8<-- [end:percentiles]


# --8<-- [start:budget]
@dataclass(frozen=True)
class ErrorBudget:
    """How much of a period's error budget some traffic has used.

    Attributes:
        requests: Requests served in the period.
        bad: Requests that failed the objective (errors, or slower than the target).
        objective: The share of requests that must be good, e.g. 0.999.
    """

    requests: int
    bad: int
    objective: float

    @property
    def allowed_bad(self) -> float:
        """Bad requests the objective allows for this much traffic."""
        return self.requests * (1 - self.objective)

    @property
    def burn_rate(self) -> float:
        """Observed bad rate over allowed bad rate; 1.0 spends the budget exactly."""
        return self.bad / self.allowed_bad

    @property
    def remaining(self) -> float:
        """Share of the budget left; negative once the objective is missed."""
        return 1 - self.burn_rate


def error_budget(requests: int, bad: int, objective: float) -> ErrorBudget:
    """Check the inputs and return the error budget they describe.

    Args:
        requests: Requests served in the period, at least 1.
        bad: Requests that failed the objective, between 0 and requests.
        objective: The share of requests that must be good, in (0, 1).

    Returns:
        The budget, with its burn rate and what remains.

    Raises:
        ValueError: If any argument is out of range; the message names it.
    """
    if requests < 1:
        raise ValueError(f"requests must be at least 1, got {requests}")
    if not 0 <= bad <= requests:
        raise ValueError(f"bad must be between 0 and requests ({requests}), got {bad}")
    if not 0 < objective < 1:
        raise ValueError(f"objective must be in (0, 1), e.g. 0.999, got {objective}")
    return ErrorBudget(requests=requests, bad=bad, objective=objective)


# --8<-- [end:budget]
