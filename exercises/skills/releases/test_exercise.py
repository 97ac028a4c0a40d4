"""Checks for the exercise of docs/skills/releases.md: rollbacks and a canary."""

from __future__ import annotations

import contextlib
import io
import shlex
from itertools import pairwise
from pathlib import Path
from types import ModuleType

import numpy as np
import yaml

from churn.cli import _parser
from production.canary import Arm, decide

ROOT = Path(__file__).resolve().parents[3]
DEPLOYMENT = yaml.safe_load((ROOT / "deploy/k8s/deployment.yaml").read_text())
NAME = DEPLOYMENT["metadata"]["name"]
RELEASE = yaml.safe_load((ROOT / "snippets/skills/release.yml").read_text())

rng = np.random.default_rng(7)
LATENCIES = tuple(rng.lognormal(np.log(8), 0.25, 300))
BASELINE = Arm(18_000, 180, LATENCIES)  # 1% errors
CANARY = Arm(2_000, 20, LATENCIES)  # the same rate, on a ninth of the traffic
STABLE_SCORES = tuple(rng.beta(2, 5, 2_000))
SAME_SCORES = tuple(rng.beta(2, 5, 500))
# A unit changed upstream: every score is half what it should be, and nothing fails.
HALVED_SCORES = tuple(score / 2 for score in rng.beta(2, 5, 500))


def words(command: str) -> list[str]:
    """A shell command's words, as the shell splits them."""
    try:
        return shlex.split(command)
    except ValueError:
        return []


def after(tokens: list[str], program: str) -> list[str] | None:
    """The words after ``program`` (``kubectl``, or ``churn`` and ``-m churn``)."""
    for i, token in enumerate(tokens):
        if Path(token).name == program:
            return tokens[i + 1 :]
        if token == "-m" and tokens[i + 1 : i + 2] == [program]:
            return tokens[i + 2 :]
    return None


def positional(tokens: list[str]) -> list[str]:
    """The words of a kubectl command without its options (``-n churn``, ...)."""
    kept, skip = [], False
    for token in tokens:
        if skip:
            skip = False
        elif token in {"-n", "--namespace", "--context", "--kubeconfig"}:
            skip = True
        elif not token.startswith("-"):
            kept.append(token)
    return kept


def targets_deployment(tokens: list[str]) -> bool:
    """Whether the words of a kubectl command name the churn Deployment."""
    names = {f"{kind}/{NAME}" for kind in ("deployment", "deploy", "deployments")}
    return bool(names & set(tokens)) or ("deployment", NAME) in pairwise(tokens)


def test_the_image_rollback(exercise: ModuleType) -> None:
    """IMAGE_ROLLBACK undoes the rollout of the churn Deployment."""
    command = exercise.IMAGE_ROLLBACK
    kubectl = after(words(command), "kubectl")
    kubectl = None if kubectl is None else positional(kubectl)
    assert kubectl is not None, (
        f"IMAGE_ROLLBACK is {command!r}: want a kubectl command, since the image is "
        "the Deployment's"
    )
    assert kubectl[:2] == ["rollout", "undo"], (
        f"IMAGE_ROLLBACK runs kubectl {' '.join(kubectl[:2])}: want kubectl rollout "
        "undo, which returns to the previous ReplicaSet"
    )
    assert targets_deployment(kubectl), (
        f"IMAGE_ROLLBACK is {command!r}: want it to name the Deployment of "
        f"deploy/k8s/deployment.yaml, deployment/{NAME}"
    )


def test_the_model_rollback(exercise: ModuleType) -> None:
    """MODEL_ROLLBACK is a churn rollback the CLI accepts, with its registry."""
    command = exercise.MODEL_ROLLBACK
    churn = after(words(command), "churn")
    assert churn is not None, (
        f"MODEL_ROLLBACK is {command!r}: want a churn command (churn ... or "
        "python -m churn ...), since the registry's alias is the model's"
    )
    said = io.StringIO()
    try:
        with contextlib.redirect_stderr(said):
            args = _parser().parse_args(churn)
    except SystemExit:
        error = said.getvalue().strip().splitlines()[-1:]
        raise AssertionError(
            f"the churn CLI refuses {command!r}: {' '.join(error)}"
        ) from None
    assert args.command == "rollback", (
        f"MODEL_ROLLBACK runs churn {args.command}: want churn rollback, which "
        "points champion back at the previous version"
    )
    assert args.registry is not None, (
        f"MODEL_ROLLBACK is {command!r}: churn rollback needs --registry, the "
        "folder of the registry"
    )


def test_the_model_reload(exercise: ModuleType) -> None:
    """MODEL_RELOAD makes the service load the champion again."""
    command = exercise.MODEL_RELOAD
    tokens = words(command)
    kubectl = after(tokens, "kubectl")
    if kubectl is not None:
        kubectl = positional(kubectl)
        for holds in (
            kubectl[:2] == ["rollout", "restart"],
            targets_deployment(kubectl),
        ):
            assert holds, (
                f"MODEL_RELOAD is {command!r}: with kubectl, want kubectl rollout "
                f"restart deployment/{NAME}, so each new pod loads the champion"
            )
        return
    assert after(tokens, "curl") is not None, (
        f"MODEL_RELOAD is {command!r}: want a POST to /admin/reload (with curl), or "
        f"kubectl rollout restart deployment/{NAME}"
    )
    assert any(token.endswith("/admin/reload") for token in tokens), (
        f"MODEL_RELOAD is {command!r}: the service reloads on /admin/reload"
    )
    assert "POST" in tokens, f"MODEL_RELOAD is {command!r}: /admin/reload takes a POST"
    assert any(t.lower().startswith("authorization: bearer") for t in tokens), (
        f"MODEL_RELOAD is {command!r}: /admin/reload answers only to the header "
        "'Authorization: Bearer <token>', with the service's CHURN_ADMIN_TOKEN"
    )


def test_which_needs_new_pods(exercise: ModuleType) -> None:
    """The image rollback needs new pods; the model rollback does not."""
    said = exercise.NEEDS_NEW_PODS
    assert said.get("image") is True, (
        f"NEEDS_NEW_PODS says {said.get('image')} for the image: an image runs in "
        "pods, so putting the old one back replaces them, pod by pod. Want True"
    )
    assert said.get("model") is False, (
        f"NEEDS_NEW_PODS says {said.get('model')} for the model: the pods read the "
        "champion from the registry, and /admin/reload loads it in a running pod. "
        "Want False"
    )


def test_a_like_canary_is_promoted(exercise: ModuleType) -> None:
    """A canary with the baseline's errors, latencies and predictions is promoted."""
    decision = exercise.judge_canary(BASELINE, CANARY, STABLE_SCORES, SAME_SCORES)
    assert decision.action == "promote", (
        f"a canary like the baseline in every way gets {decision.action}: "
        f"{'; '.join(decision.reasons)}. Want promote"
    )


def test_more_errors_roll_back(exercise: ModuleType) -> None:
    """A canary that fails more often is rolled back, as decide says."""
    failing = Arm(2_000, 80, LATENCIES)  # 4% errors against 1%
    decision = exercise.judge_canary(BASELINE, failing, STABLE_SCORES, SAME_SCORES)
    assert decision.action == "rollback", (
        f"a canary failing 4% of requests against the baseline's 1% gets "
        f"{decision.action}: want rollback, as decide says"
    )


def test_moved_predictions_roll_back(exercise: ModuleType) -> None:
    """A canary whose predictions moved is rolled back, though it has no more errors."""
    assert decide(BASELINE, CANARY).action == "promote", "decide should promote it"
    decision = exercise.judge_canary(BASELINE, CANARY, STABLE_SCORES, HALVED_SCORES)
    assert decision.action == "rollback", (
        f"a canary whose churn scores are all half the baseline's, with the same "
        f"errors and latencies, gets {decision.action}: want rollback"
    )
    assert any("predict" in reason for reason in decision.reasons), (
        f"the reasons are {list(decision.reasons)}: want one that names the "
        "predictions, so whoever reads the rollback knows where to look"
    )


def test_moved_predictions_roll_back_early(exercise: ModuleType) -> None:
    """Moved predictions roll back even before the canary has enough requests."""
    young = Arm(300, 3, LATENCIES)
    assert decide(BASELINE, young).action == "hold", "decide should hold it"
    decision = exercise.judge_canary(BASELINE, young, STABLE_SCORES, HALVED_SCORES)
    assert decision.action == "rollback", (
        f"after 300 requests with halved scores the canary gets {decision.action}: "
        "harm is acted on as soon as a test shows it. Want rollback"
    )


def test_the_approval_job(exercise: ModuleType) -> None:
    """APPROVAL_JOB is the release job that waits for the production environment."""
    jobs = RELEASE["jobs"]
    job = exercise.APPROVAL_JOB
    assert job in jobs, (
        f"APPROVAL_JOB is {job!r}: snippets/skills/release.yml has the jobs "
        f"{', '.join(jobs)}"
    )
    environment = jobs[job].get("environment", {}).get("name")
    assert environment == "production", (
        f"the job {job!r} names the environment {environment!r}: the approval is "
        "the production environment's rule"
    )
