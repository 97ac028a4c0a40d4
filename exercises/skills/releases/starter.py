"""Exercise: rehearse both rollbacks, and give the canary a signal errors never show.

From docs/skills/releases.md. Write the commands that undo a bad image and a bad
model, say which one needs new pods, make a canary verdict roll back when the
canary's predictions moved, and find the job that waits for an approval.

Edit this file, then run ``make exercise NAME=skills/releases``.
"""

from __future__ import annotations

from collections.abc import Sequence

from production.canary import Arm, CanaryDecision, decide

# 1. Two rollbacks, rehearsed.

# TODO: the command that puts the previous image of the churn Deployment back.
IMAGE_ROLLBACK = ""

# TODO: the churn command that points champion back at the previous version.
MODEL_ROLLBACK = ""

# TODO: the command that makes the running service load the champion again.
MODEL_RELOAD = ""

# TODO: for each rollback, True if it needs a new rollout of pods, False if not.
NEEDS_NEW_PODS: dict[str, bool | None] = {"image": None, "model": None}


# 2. A canary can be worse without a single error.


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
    """
    # TODO: roll back, with a reason that names the predictions, when the canary's
    # scores drifted from the baseline's by the guide's drift rule (a KS test below
    # 0.01 and a PSI of at least churn.monitor.MIN_PSI), whatever decide says.
    return decide(baseline, canary)


# 3. The approval.

# TODO: the job of snippets/skills/release.yml that waits for an approval.
APPROVAL_JOB = ""
