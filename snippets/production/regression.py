"""Is the candidate model slower or worse than the baseline? Pass or fail, and why.

Latency measured yesterday on another machine tells you nothing about today's
candidate. Both versions are measured in the same run, interleaved, so that
whatever else the machine does slows both alike; then each percentile is compared
as a ratio with a tolerance, and a bootstrap interval says whether the difference
is larger than the noise. A check fails only when the candidate is worse by more
than the tolerance *and* the interval excludes "no change", so a noisy machine
does not fail a good model and a real regression cannot hide in the tolerance.
"""

from __future__ import annotations

# --8<-- [start:imports]
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats
from sklearn.metrics import roc_auc_score

# --8<-- [end:imports]


# --8<-- [start:measure]
def measure_interleaved(
    baseline: Callable[[], object],
    candidate: Callable[[], object],
    rounds: int,
    clock: Callable[[], float] = time.perf_counter,
) -> tuple[list[float], list[float]]:
    """Time two functions call by call, alternating which one goes first.

    Alternating (baseline, candidate, candidate, baseline, ...) spreads a slow
    moment of the machine, a garbage collection or a noisy neighbour, over both.

    Args:
        baseline: Scores one request with the current model.
        candidate: Scores the same request with the candidate.
        rounds: Calls of each function.
        clock: Seconds as a float; tests pass a scripted clock.

    Returns:
        The latencies of the baseline and of the candidate, in milliseconds.
    """
    timings: dict[str, list[float]] = {"baseline": [], "candidate": []}
    calls = {"baseline": baseline, "candidate": candidate}
    for number in range(rounds):
        order = (
            ("baseline", "candidate") if number % 2 == 0 else ("candidate", "baseline")
        )
        for name in order:
            start = clock()
            calls[name]()
            timings[name].append((clock() - start) * 1000)
    return timings["baseline"], timings["candidate"]


# --8<-- [end:measure]


# --8<-- [start:results]
@dataclass(frozen=True)
class Tolerances:
    """How much worse a candidate may be before the check fails.

    Attributes:
        median: Largest accepted ratio of medians above 1 (0.10: 10 % slower).
        p99: Largest accepted ratio of p99s above 1; the tail is noisier.
        auc_drop: Largest accepted drop in AUC on the same labelled rows.
        confidence: Level of the bootstrap intervals.
        resamples: Bootstrap resamples per check.
        seed: Seed of the resampling, so a verdict can be reproduced.
    """

    median: float = 0.10
    p99: float = 0.20
    auc_drop: float = 0.005
    confidence: float = 0.95
    resamples: int = 1_000
    seed: int = 0


@dataclass(frozen=True)
class Check:
    """One comparison: the values, the change with its interval, and the verdict."""

    name: str
    baseline: float
    candidate: float
    change: float
    interval: tuple[float, float]
    passed: bool
    reason: str


@dataclass(frozen=True)
class RegressionReport:
    """Every check's result; the candidate passes only if every check passes."""

    checks: tuple[Check, ...]

    @property
    def passed(self) -> bool:
        """Whether every check passed."""
        return all(check.passed for check in self.checks)

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why each failing check failed."""
        return tuple(check.reason for check in self.checks if not check.passed)


def _nearest_rank(samples: np.ndarray, q: float) -> np.ndarray:
    """Nearest-rank percentile along the last axis, as `roles.slo.percentile`."""
    return np.quantile(samples, q / 100, axis=-1, method="inverted_cdf")


def _interval(values: np.ndarray, confidence: float) -> tuple[float, float]:
    """The central bootstrap interval of the given confidence."""
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)


# --8<-- [end:results]


# --8<-- [start:latency]
def latency_check(
    baseline_ms: Sequence[float],
    candidate_ms: Sequence[float],
    q: float,
    tolerance: float,
    rules: Tolerances = Tolerances(),
) -> Check:
    """Compare one latency percentile of two versions as a ratio.

    Args:
        baseline_ms: The baseline's latencies from this run.
        candidate_ms: The candidate's latencies from the same run.
        q: The percentile, e.g. 50 or 99.
        tolerance: Largest accepted ratio above 1.
        rules: Confidence, resamples and seed of the bootstrap.

    Returns:
        The check. It fails if either sample holds fewer than ten observations
        beyond the percentile (1,000 for p99), since the percentile would then
        rest on a few requests.
    """
    name = f"p{q:g} latency"
    base, cand = np.asarray(baseline_ms, float), np.asarray(candidate_ms, float)
    needed = int(np.ceil(10 / (1 - q / 100)))
    if min(len(base), len(cand)) < needed:
        reason = f"{name}: {min(len(base), len(cand))} samples, {needed} needed"
        return Check(name, np.nan, np.nan, np.nan, (np.nan, np.nan), False, reason)
    rng = np.random.default_rng(rules.seed)
    resampled = [
        _nearest_rank(rng.choice(sample, (rules.resamples, len(sample))), q)
        for sample in (base, cand)
    ]
    ratio = float(_nearest_rank(cand, q) / _nearest_rank(base, q))
    low, high = _interval(resampled[1] / resampled[0], rules.confidence)
    failed = ratio > 1 + tolerance and low > 1
    reason = (
        f"{name}: candidate/baseline {ratio:.2f} (interval {low:.2f}-{high:.2f}),"
        f" limit {1 + tolerance:.2f}"
    )
    return Check(
        name,
        float(_nearest_rank(base, q)),
        float(_nearest_rank(cand, q)),
        ratio,
        (low, high),
        not failed,
        reason,
    )


# --8<-- [end:latency]


# --8<-- [start:auc]
def _auc(labels: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """AUC of each row of a matrix of resamples, from ranks (Mann-Whitney U).

    Equal to scikit-learn's ``roc_auc_score`` row by row, ties included, but one
    vectorised pass instead of a Python loop over a thousand resamples.
    """
    positives = labels.sum(axis=-1)
    negatives = labels.shape[-1] - positives
    ranks = stats.rankdata(scores, axis=-1)
    u = (ranks * labels).sum(axis=-1) - positives * (positives + 1) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return u / (positives * negatives)


# --8<-- [end:auc]


# --8<-- [start:quality]
def quality_check(
    labels: Sequence[int],
    baseline_scores: Sequence[float],
    candidate_scores: Sequence[float],
    rules: Tolerances = Tolerances(),
) -> Check:
    """Compare AUC on the same labelled rows, with a paired bootstrap.

    Each resample draws the same rows for both models, so the interval reflects
    how the two differ on one set of customers, not how two sets differ.

    Args:
        labels: The true outcome of each row, 0 or 1.
        baseline_scores: The baseline's scores for those rows.
        candidate_scores: The candidate's scores for the same rows, same order.
        rules: The accepted AUC drop and the bootstrap's settings.

    Returns:
        The check: it fails when the AUC dropped by more than ``rules.auc_drop``
        and the interval of the difference lies below zero.

    Raises:
        ValueError: If the three sequences differ in length, or the labels hold
            only one class.
    """
    y = np.asarray(labels, int)
    base, cand = np.asarray(baseline_scores, float), np.asarray(candidate_scores, float)
    if not len(y) == len(base) == len(cand):
        raise ValueError(f"lengths differ: {len(y)}, {len(base)}, {len(cand)}")
    if len(np.unique(y)) != 2:
        raise ValueError("labels must hold both classes for AUC")
    rng = np.random.default_rng(rules.seed)
    rows = rng.integers(0, len(y), (rules.resamples, len(y)))
    differences = _auc(y[rows], cand[rows]) - _auc(y[rows], base[rows])
    before, after = roc_auc_score(y, base), roc_auc_score(y, cand)
    # A resample holding one class only has no AUC (NaN); it is left out.
    low, high = _interval(differences[~np.isnan(differences)], rules.confidence)
    failed = after - before < -rules.auc_drop and high < 0
    reason = (
        f"AUC: {after:.4f} vs {before:.4f}, change {after - before:+.4f}"
        f" (interval {low:+.4f} to {high:+.4f}), largest accepted drop {rules.auc_drop}"
    )
    return Check("AUC", before, after, after - before, (low, high), not failed, reason)


# --8<-- [end:quality]


# --8<-- [start:compare]
def compare_versions(
    baseline_ms: Sequence[float],
    candidate_ms: Sequence[float],
    labels: Sequence[int],
    baseline_scores: Sequence[float],
    candidate_scores: Sequence[float],
    rules: Tolerances = Tolerances(),
) -> RegressionReport:
    """Run the median, p99 and AUC checks on measurements from one run.

    Returns:
        The report: ``report.passed`` for CI, ``report.reasons`` for the reader.
    """
    return RegressionReport(
        (
            latency_check(baseline_ms, candidate_ms, 50, rules.median, rules),
            latency_check(baseline_ms, candidate_ms, 99, rules.p99, rules),
            quality_check(labels, baseline_scores, candidate_scores, rules),
        )
    )


# --8<-- [end:compare]
