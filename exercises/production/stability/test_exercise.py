"""Checks for the exercise of docs/production/stability.md: a p95 regression check."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from types import ModuleType

import numpy as np
import pytest

from production import regression
from production.regression import RegressionReport, latency_check

LABELS = np.tile([0, 1], 100)
SCORES = np.linspace(0, 1, 200)  # the same scores for both: the AUC check passes


def report(
    exercise: ModuleType,
    baseline_ms: Sequence[float],
    candidate_ms: Sequence[float],
    **tolerances: float,
) -> RegressionReport:
    """The reader's compare_versions on two sets of latencies and equal scores."""
    rules = exercise.Tolerances(**tolerances)
    return exercise.compare_versions(
        baseline_ms, candidate_ms, LABELS, SCORES, SCORES, rules
    )


def slower_above_the_median(by: float) -> tuple[np.ndarray, np.ndarray]:
    """The checks' latencies: each request slower than the median, ``by`` slower."""
    baseline = np.random.default_rng(5).lognormal(np.log(8), 0.25, 2_000)
    return baseline, np.where(baseline > np.median(baseline), baseline * by, baseline)


def ratio(baseline_ms: np.ndarray, candidate_ms: np.ndarray, q: float) -> float:
    """Candidate over baseline at the q-th percentile, nearest rank."""
    return latency_check(baseline_ms, candidate_ms, q, 1.0).change


def test_tolerances_has_a_p95(exercise: ModuleType) -> None:
    """Tolerances has a p95 field, and keeps every other tolerance as it was."""
    fields = {field.name for field in dataclasses.fields(exercise.Tolerances)}
    assert "p95" in fields, (
        f"Tolerances has the fields {sorted(fields)}: want a p95 among them"
    )
    default = exercise.Tolerances().p95
    assert isinstance(default, float), (
        f"Tolerances().p95 is {default!r}: want a float, such as 0.10 for 10 % slower"
    )
    assert 0 < default < 1, (
        f"Tolerances().p95 is {default}: want the share by which the p95 may be "
        "slower, such as 0.10 for 10 % slower"
    )
    others = dataclasses.asdict(regression.Tolerances())
    mine = dataclasses.asdict(exercise.Tolerances())
    assert {k: mine[k] for k in others} == others, (
        "Tolerances changed the other tolerances' defaults: keep those of "
        "production.regression.Tolerances"
    )


def test_compare_versions_runs_four_checks(exercise: ModuleType) -> None:
    """compare_versions runs the p50, p95, p99 and AUC checks, in that order."""
    found = report(exercise, *slower_above_the_median(1.0))
    names = [check.name for check in found.checks]
    want = ["p50 latency", "p95 latency", "p99 latency", "AUC"]
    assert names == want, f"compare_versions runs the checks {names}: want {want}"


@pytest.mark.parametrize(
    ("p95", "fails"), [(0.10, True), (0.20, False)], ids=["p95=0.10", "p95=0.20"]
)
def test_the_p95_check_uses_its_tolerance(
    exercise: ModuleType, p95: float, fails: bool
) -> None:
    """The p95 check fails a 15 % slower p95 with p95=0.10, and passes it with 0.20."""
    found = report(exercise, *slower_above_the_median(1.15), p95=p95)
    failed = [reason for reason in found.reasons if reason.startswith("p95")]
    assert bool(failed) is fails, (
        f"with a p95 15 % slower and Tolerances(p95={p95}), the p95 check "
        f"{'passed' if not failed else 'failed'}: want it to "
        f"{'fail' if fails else 'pass'}, judged by rules.p95"
    )


def test_your_regression_is_a_p95_regression(exercise: ModuleType) -> None:
    """p95_regression's candidate is 15 % slower at p95, within tolerance elsewhere."""
    baseline, candidate = exercise.p95_regression()
    assert min(len(baseline), len(candidate)) >= 1_000, (
        f"p95_regression gives {len(baseline)} and {len(candidate)} latencies: the "
        "p99 check needs 1,000 of each"
    )
    found = {q: ratio(baseline, candidate, q) for q in (50, 95, 99)}
    assert found[95] >= 1.15 - 1e-9, (
        f"the candidate's p95 is {found[95]:.3f} times the baseline's: want 1.15 "
        "or more"
    )
    for q, name in ((50, "median"), (99, "p99")):
        limit = 1 + getattr(regression.Tolerances(), name)
        check = latency_check(baseline, candidate, q, limit - 1)
        assert check.passed, (
            f"the candidate's {name} is {found[q]:.3f} times the baseline's, over "
            f"its limit of {limit:.2f}: only the p95 may be out of tolerance"
        )


def test_the_p95_regression_fails_on_the_p95_alone(exercise: ModuleType) -> None:
    """compare_versions fails p95_regression's candidate on the p95 alone."""
    found = report(exercise, *exercise.p95_regression())
    assert not found.passed, (
        "compare_versions passes p95_regression's candidate: want it to fail on the p95"
    )
    assert len(found.reasons) == 1, (
        f"the candidate fails {len(found.reasons)} checks: {'; '.join(found.reasons)}."
        " Want the p95 alone"
    )
    assert found.reasons[0].startswith("p95 latency"), (
        f"the failing check says {found.reasons[0]!r}: want the p95 check's reason"
    )


def test_no_regression_passes(exercise: ModuleType) -> None:
    """compare_versions passes no_regression's candidate on every check."""
    found = report(exercise, *exercise.no_regression())
    assert found.passed, (
        f"a candidate within every tolerance fails: {'; '.join(found.reasons)}"
    )
    assert len(found.checks) == 4, (
        f"compare_versions ran {len(found.checks)} checks: want 4, the p95 among them"
    )


@pytest.mark.parametrize("q", [50, 95, 99, 99.9])
def test_min_requests_is_the_rule_latency_check_applies(
    exercise: ModuleType, q: float
) -> None:
    """min_requests(q) leaves ten requests beyond the percentile, as latency_check."""
    needed = exercise.min_requests(q)
    latencies = np.linspace(1, 2, needed)
    enough = latency_check(latencies, latencies, q, 0.1)
    fewer = latency_check(latencies[:-1], latencies[:-1], q, 0.1)
    assert enough.passed, (
        f"min_requests({q}) is {needed}, and latency_check refuses that many: "
        f"{enough.reason}"
    )
    assert not fewer.passed, (
        f"min_requests({q}) is {needed}, but latency_check accepts {needed - 1}: "
        f"want the fewest it accepts, so that ten requests lie beyond the p{q:g}"
    )
