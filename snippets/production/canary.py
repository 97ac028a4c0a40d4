"""Canary and shadow releases: live traffic judges a new model before all users see it.

A canary serves a small share of real requests with the new version and compares
it with the baseline serving the rest at the same time. The decision is
asymmetric on purpose: harm is acted on as soon as a test shows it, however few
requests the canary has served; promotion waits for enough requests to have a
fair chance of seeing harm. A shadow goes one step earlier: the new model scores
the same requests as the live one, but its answers are only recorded, never
returned, so you can measure how often the two disagree at no risk to users.
"""

from __future__ import annotations

# --8<-- [start:imports]
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

# --8<-- [end:imports]

# --8<-- [start:records]
Action = Literal["promote", "hold", "rollback"]
Scorer = Callable[[pd.DataFrame], Sequence[float]]


@dataclass(frozen=True)
class Arm:
    """What one version served during the canary.

    Attributes:
        requests: Requests it answered.
        errors: Of those, how many failed (5xx).
        latencies_ms: Latencies of its requests, or a random sample of them.
    """

    requests: int
    errors: int
    latencies_ms: Sequence[float]

    def __post_init__(self) -> None:
        if not 0 <= self.errors <= self.requests:
            raise ValueError(
                f"errors must be between 0 and requests ({self.requests}),"
                f" got {self.errors}"
            )


@dataclass(frozen=True)
class CanaryDecision:
    """Promote, hold or roll back, and why.

    Attributes:
        action: What to do with the canary.
        reasons: One line per finding that led to the action.
        error_p_value: One-sided Fisher's exact test: canary fails more often.
        latency_p_value: One-sided Mann-Whitney U test: canary is slower.
    """

    action: Action
    reasons: tuple[str, ...]
    error_p_value: float
    latency_p_value: float


# --8<-- [end:records]


# --8<-- [start:decide]
def decide(
    baseline: Arm,
    canary: Arm,
    *,
    min_requests: int = 1_000,
    alpha: float = 0.01,
    max_slowdown: float = 0.10,
) -> CanaryDecision:
    """Compare the canary with the baseline serving at the same time.

    One call is one look at ``alpha``. A rollout that looks again and again should
    look through `SequentialCanary`, which spends ``alpha`` over the looks.

    Args:
        baseline: The current version's requests, errors and latencies.
        canary: The new version's, over the same period.
        min_requests: Requests the canary must serve before it can be promoted.
        alpha: Significance level of each one-sided test.
        max_slowdown: Largest accepted increase of the median latency (0.10: 10 %).

    Returns:
        ``rollback`` if the canary fails significantly more often, or is
        significantly slower by more than ``max_slowdown``; otherwise ``hold``
        until it has served ``min_requests``; then ``promote``.
    """
    table = [
        [canary.errors, canary.requests - canary.errors],
        [baseline.errors, baseline.requests - baseline.errors],
    ]
    error_p = float(stats.fisher_exact(table, alternative="greater").pvalue)
    slower = stats.mannwhitneyu(
        canary.latencies_ms, baseline.latencies_ms, alternative="greater"
    )
    ratio = float(np.median(canary.latencies_ms) / np.median(baseline.latencies_ms))
    reasons = []
    if error_p < alpha:
        reasons.append(
            f"error rate {canary.errors / canary.requests:.2%} vs baseline"
            f" {baseline.errors / baseline.requests:.2%} (Fisher p={error_p:.2g})"
        )
    if slower.pvalue < alpha and ratio > 1 + max_slowdown:
        reasons.append(
            f"median latency x{ratio:.2f} of baseline's (Mann-Whitney"
            f" p={slower.pvalue:.2g}), more than x{1 + max_slowdown:.2f}"
        )
    if reasons:
        action: Action = "rollback"
    elif canary.requests < min_requests:
        action = "hold"
        reasons.append(f"{canary.requests:,} of {min_requests:,} requests so far")
    else:
        action = "promote"
        reasons.append(f"no significant regression in {canary.requests:,} requests")
    return CanaryDecision(action, tuple(reasons), error_p, float(slower.pvalue))


# --8<-- [end:decide]


# --8<-- [start:sequential]
def spent_alpha(fraction: float, alpha: float) -> float:
    """Alpha spent once ``fraction`` of the planned requests has been seen.

    The O'Brien-Fleming-type spending function of Lan and DeMets (1983):
    ``2 - 2 * Phi(Phi^-1(1 - alpha / 2) / sqrt(fraction))``, with ``Phi`` the
    standard normal distribution function. It spends almost nothing on the first
    looks and reaches ``alpha`` at the full plan (fraction 1), so most of ``alpha``
    is kept for the last looks, where the canary has served the most requests.

    Raises:
        ValueError: If fraction is outside [0, 1] or alpha outside (0, 1).
    """
    if not 0 <= fraction <= 1 or not 0 < alpha < 1:
        raise ValueError(
            f"need 0 <= fraction <= 1 and 0 < alpha < 1, got {fraction}, {alpha}"
        )
    if fraction == 0:
        return 0.0
    boundary = stats.norm.ppf(1 - alpha / 2)  # the normal quantile at the full plan
    return float(2 * stats.norm.sf(boundary / math.sqrt(fraction)))  # exact in the tail


@dataclass
class SequentialCanary:
    """A canary looked at again and again, with a false-rollback rate kept at alpha.

    Each look may use only the alpha the spending function allows for the share
    of ``min_requests`` seen since the last look. Over all looks each of the two
    tests (errors, latency) spends at most ``alpha`` (Bonferroni over the looks),
    so an unchanged canary is rolled back by a given test with probability at
    most ``alpha``, however often you look; by either, at most twice that.
    Looking at a fixed ``alpha`` every time adds a chance of a false alarm at
    every look. The last look keeps less than ``alpha`` (the rest was spent
    earlier), so size ``min_requests`` with ``required_requests`` at that level.
    """

    min_requests: int
    alpha: float = 0.01
    max_slowdown: float = 0.10
    spent: float = 0.0

    def look(self, baseline: Arm, canary: Arm) -> CanaryDecision:
        """Decide on what both versions served so far; spend this look's alpha."""
        fraction = min(canary.requests / self.min_requests, 1.0)
        level = max(spent_alpha(fraction, self.alpha) - self.spent, 0.0)
        self.spent += level
        return decide(
            baseline,
            canary,
            min_requests=self.min_requests,
            alpha=level,
            max_slowdown=self.max_slowdown,
        )


# --8<-- [end:sequential]


# --8<-- [start:repeated-looks]
def false_rollbacks(
    looks: int,
    *,
    sequential: bool,
    trials: int = 300,
    min_requests: int = 4_000,
    error_rate: float = 0.01,
    seed: int = 0,
) -> float:
    """How often a canary exactly as good as the baseline is rolled back.

    Both versions fail at ``error_rate`` and answer with the same latencies, so
    only the error test can fire and every rollback is a false alarm. The canary
    is looked at ``looks`` times, evenly, up to ``min_requests``; the baseline
    serves nine requests for each of the canary's. Counts add up from look to
    look, as a live canary's do: each look sees the requests since the last one
    on top of all before.
    """
    rng = np.random.default_rng(seed)
    latencies = tuple(rng.lognormal(np.log(8), 0.25, 200))
    rollbacks = 0
    for _ in range(trials):
        watch = SequentialCanary(min_requests)
        served = canary_errors = baseline_errors = 0
        for look in range(1, looks + 1):
            new = min_requests * look // looks - served
            served += new
            canary_errors += int(rng.binomial(new, error_rate))
            baseline_errors += int(rng.binomial(9 * new, error_rate))
            baseline = Arm(9 * served, baseline_errors, latencies)
            canary = Arm(served, canary_errors, latencies)
            if sequential:
                decision = watch.look(baseline, canary)
            else:
                decision = decide(baseline, canary, min_requests=min_requests)
            if decision.action == "rollback":
                rollbacks += 1
                break
    return rollbacks / trials


# --8<-- [end:repeated-looks]


# --8<-- [start:sample-size]
def required_requests(
    baseline_rate: float, canary_rate: float, alpha: float = 0.01, power: float = 0.8
) -> int:
    """Requests per version needed to detect a higher error rate, one-sided.

    The normal approximation for comparing two proportions: with this many
    requests in each version, a canary that truly fails at ``canary_rate`` is
    flagged with probability ``power`` at significance ``alpha``.

    Raises:
        ValueError: If the rates are not 0 < baseline_rate < canary_rate < 1.
    """
    if not 0 < baseline_rate < canary_rate < 1:
        raise ValueError(
            "need 0 < baseline_rate < canary_rate < 1,"
            f" got {baseline_rate} and {canary_rate}"
        )
    z_alpha, z_power = stats.norm.ppf(1 - alpha), stats.norm.ppf(power)
    pooled = (baseline_rate + canary_rate) / 2
    spread = z_alpha * math.sqrt(2 * pooled * (1 - pooled)) + z_power * math.sqrt(
        baseline_rate * (1 - baseline_rate) + canary_rate * (1 - canary_rate)
    )
    return math.ceil((spread / (canary_rate - baseline_rate)) ** 2)


# --8<-- [end:sample-size]


# --8<-- [start:shadow-report]
@dataclass(frozen=True)
class ShadowReport:
    """How the shadow model's answers compare with the live model's.

    Attributes:
        requests: Requests both models scored (shadow failures excluded).
        disagreement_rate: Share of records on which the two take different
            decisions at the threshold.
        mean_abs_diff: Mean absolute difference of the probabilities.
        max_abs_diff: Largest absolute difference.
        shadow_errors: Calls in which the shadow raised.
    """

    requests: int
    disagreement_rate: float
    mean_abs_diff: float
    max_abs_diff: float
    shadow_errors: int


def shadow_compare(
    live: Sequence[float],
    shadow: Sequence[float],
    threshold: float = 0.5,
    shadow_errors: int = 0,
) -> ShadowReport:
    """Compare the live and shadow probabilities for the same records.

    Raises:
        ValueError: If the two differ in length or are empty.
    """
    live_array, shadow_array = np.asarray(live, float), np.asarray(shadow, float)
    if len(live_array) != len(shadow_array) or len(live_array) == 0:
        raise ValueError(
            "live and shadow need one probability per record each, got"
            f" {len(live_array)} and {len(shadow_array)}"
        )
    differ = (live_array >= threshold) != (shadow_array >= threshold)
    diff = np.abs(live_array - shadow_array)
    return ShadowReport(
        requests=len(live_array),
        disagreement_rate=float(differ.mean()),
        mean_abs_diff=float(diff.mean()),
        max_abs_diff=float(diff.max()),
        shadow_errors=shadow_errors,
    )


# --8<-- [end:shadow-report]


# --8<-- [start:shadow]
@dataclass
class ShadowScorer:
    """Answer with the live model; score the same records with the shadow too.

    The shadow's answer is recorded, never returned, and its failures are
    counted, never raised: a broken shadow must not hurt a single request. Here
    the shadow runs after the live model, in the same call; a service would run
    it off the request path (a queue or a background task) so it adds no latency.
    """

    live: Scorer
    shadow: Scorer
    pairs: list[tuple[float, float]] = field(default_factory=list)
    shadow_errors: int = 0

    def __call__(self, frame: pd.DataFrame) -> list[float]:
        """Return the live model's probabilities for the rows of ``frame``."""
        answers = [float(p) for p in self.live(frame)]
        try:
            shadowed = [float(p) for p in self.shadow(frame)]
            pairs = list(zip(answers, shadowed, strict=True))
        except Exception:  # any shadow failure is counted and swallowed
            self.shadow_errors += 1
        else:
            self.pairs += pairs
        return answers

    def report(self, threshold: float = 0.5) -> ShadowReport:
        """Compare everything recorded so far.

        Raises:
            ValueError: If nothing has been recorded yet.
        """
        live, shadow = zip(*self.pairs, strict=True) if self.pairs else ((), ())
        return shadow_compare(live, shadow, threshold, self.shadow_errors)


# --8<-- [end:shadow]
