"""Exercise: check the p95 too, before a release.

From docs/production/stability.md. The regression check compares the median and the
p99 of the candidate's latencies with the baseline's; many objectives are set on the
p95. Add a p95 tolerance and a p95 check, build seeded latencies that prove the
check catches a p95-only regression, and say how many requests a run needs.

Edit this file, then run ``make exercise NAME=production/stability``.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from production import regression
from production.regression import RegressionReport, latency_check, quality_check


@dataclass(frozen=True)
class Tolerances(regression.Tolerances):
    """The regression check's tolerances, plus one for the p95.

    Attributes:
        p95: Largest accepted ratio of p95s above 1 (0.10: 10 % slower).
    """

    # TODO: a p95 field, a float with a default.


def compare_versions(
    baseline_ms: Sequence[float],
    candidate_ms: Sequence[float],
    labels: Sequence[int],
    baseline_scores: Sequence[float],
    candidate_scores: Sequence[float],
    rules: Tolerances = Tolerances(),
) -> RegressionReport:
    """Run the median, p95, p99 and AUC checks on measurements from one run.

    Returns:
        The report, its checks in that order.
    """
    # TODO: a p95 check between the median and the p99, with the p95 tolerance.
    return RegressionReport(
        (
            latency_check(baseline_ms, candidate_ms, 50, rules.median, rules),
            latency_check(baseline_ms, candidate_ms, 99, rules.p99, rules),
            quality_check(labels, baseline_scores, candidate_scores, rules),
        )
    )


def p95_regression(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Seeded latencies, in ms, of a candidate whose p95 alone is 15 % slower.

    Returns:
        The baseline's and the candidate's latencies: the candidate's p95 at least
        15 % above the baseline's, its median and p99 within their tolerances.
    """
    rng = np.random.default_rng(seed)
    baseline = rng.lognormal(np.log(8), 0.25, 2_000)
    # TODO: a candidate whose p95 is 15 % slower, and its median and p99 are not.
    return baseline, baseline.copy()


def no_regression(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Seeded latencies, in ms, of a candidate within every tolerance.

    Returns:
        The baseline's and the candidate's latencies.
    """
    rng = np.random.default_rng(seed)
    baseline = rng.lognormal(np.log(8), 0.25, 2_000)
    return baseline, baseline * 1.03


def min_requests(q: float) -> int:
    """The fewest latencies a run needs for a check on the q-th percentile.

    Args:
        q: The percentile, e.g. 95.

    Returns:
        The number, by the rule the chapter uses for the p99.
    """
    # TODO: how many requests leave ten of them beyond the q-th percentile?
    return 100
