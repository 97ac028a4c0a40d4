"""One answer to the exercise of docs/skills/releases.md.

An image goes back with ``kubectl rollout undo``, which replaces the pods; a model
goes back with ``churn rollback`` and a reload, on the pods already running. The
canary's verdict also compares its predictions with the baseline's by the guide's
drift rule, since a model can answer every request and still answer them wrong.
Read it after your own attempt.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from churn.monitor import MIN_PSI, ks_test, psi
from production.canary import Arm, CanaryDecision, decide

# 1. Two rollbacks, rehearsed.

IMAGE_ROLLBACK = "kubectl rollout undo deployment/churn-service"
MODEL_ROLLBACK = "python -m churn rollback --registry registry/"
MODEL_RELOAD = (
    'curl -X POST -H "Authorization: Bearer $CHURN_ADMIN_TOKEN"'
    " http://127.0.0.1:8000/admin/reload"
)
NEEDS_NEW_PODS: dict[str, bool | None] = {"image": True, "model": False}


# 2. A canary can be worse without a single error.

ALPHA = 0.01
"""The significance level of the drift test on the predictions."""


def judge_canary(
    baseline: Arm,
    canary: Arm,
    baseline_scores: Sequence[float],
    canary_scores: Sequence[float],
) -> CanaryDecision:
    """``decide``'s verdict, and a rollback when the canary's predictions moved.

    Args:
        baseline: What the current version served: requests, errors, latencies.
        canary: What the new version served over the same period.
        baseline_scores: The churn probabilities the current version returned.
        canary_scores: The churn probabilities the canary returned.

    Returns:
        ``decide``'s decision, made a rollback if the predictions drifted: a KS
        test below ``ALPHA`` and a PSI of at least ``MIN_PSI``.
    """
    decision = decide(baseline, canary)
    p_value = ks_test(baseline_scores, canary_scores)
    shift = psi(baseline_scores, canary_scores)
    if p_value >= ALPHA or shift < MIN_PSI:
        return decision
    reason = f"predictions moved: PSI {shift:.2f}, KS p={p_value:.2g}"
    earlier = decision.reasons if decision.action == "rollback" else ()
    return dataclasses.replace(decision, action="rollback", reasons=(*earlier, reason))


# 3. The approval.

APPROVAL_JOB = "production"
