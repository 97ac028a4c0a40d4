"""Latency summaries shared by the service benchmark and its load client."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

# `python -m benchmarks` starts from the repository root, where snippets/ is not on
# the import path (pytest adds it for the tests); the guide's own nearest-rank
# percentile is reused rather than copied.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "snippets"))

from roles.slo import percentile


@dataclass(frozen=True)
class LatencySummary:
    """Nearest-rank percentiles of some latencies, in milliseconds."""

    count: int
    p50: float
    p95: float
    p99: float
    mean: float
    max: float

    def to_dict(self) -> dict[str, float]:
        """Return the summary as plain numbers, the shape printed as JSON."""
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, float]) -> LatencySummary:
        """Rebuild a summary from `to_dict`'s output, e.g. read from a client."""
        return cls(**values)


def summarize(latencies_ms: Sequence[float]) -> LatencySummary:
    """Summarise latencies by nearest rank: every percentile is a latency observed.

    Args:
        latencies_ms: One latency per call, in milliseconds, in any order.

    Returns:
        The count, p50, p95, p99, mean and maximum.

    Raises:
        ValueError: If there are no latencies.
    """
    if not latencies_ms:
        raise ValueError("no latencies to summarise: every call failed or none ran")
    return LatencySummary(
        count=len(latencies_ms),
        p50=percentile(latencies_ms, 50),
        p95=percentile(latencies_ms, 95),
        p99=percentile(latencies_ms, 99),
        mean=sum(latencies_ms) / len(latencies_ms),
        max=max(latencies_ms),
    )


def ratio(numerator: float, denominator: float) -> float:
    """Return how many times larger numerator is than denominator.

    Raises:
        ValueError: If the denominator is not positive, which no timing can be.
    """
    if denominator <= 0:
        raise ValueError(f"cannot compare with a time of {denominator}: must be > 0")
    return numerator / denominator
