"""Checks for the exercise of docs/capstone/kubernetes.md: a PodDisruptionBudget.

The reader's manifest is validated offline as tests/deploy/test_k8s.py validates the
manifests in deploy/k8s/, and checked against the Deployment and autoscaler there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from tests.deploy.test_k8s import KUBERNETES_VERSION, MANIFESTS, load


@pytest.fixture(scope="module")
def budget(exercise_file: Path) -> dict[str, Any]:
    """The reader's manifest: one YAML document."""
    try:
        documents = list(yaml.safe_load_all(exercise_file.read_text(encoding="utf-8")))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or error
        pytest.fail(f"{exercise_file.name}{where} is not valid YAML: {problem}", False)
    documents = [document for document in documents if document is not None]
    if len(documents) != 1 or not isinstance(documents[0], dict):
        pytest.fail(
            f"{exercise_file.name} holds {len(documents)} YAML documents: want one "
            "manifest",
            pytrace=False,
        )
    return documents[0]


def shown(value: object) -> str:
    """A field's value for the messages, or "not set"."""
    return "not set" if value is None else repr(value)


def spec(budget: dict[str, Any]) -> dict[str, Any]:
    """The budget's spec, or an empty one."""
    return budget.get("spec") or {}


@pytest.fixture(scope="module")
def pod_labels() -> dict[str, str]:
    """The labels of the pods the Deployment in deploy/k8s/ runs."""
    return load(MANIFESTS / "deployment.yaml")["spec"]["template"]["metadata"]["labels"]


def test_it_is_a_pod_disruption_budget(budget: dict[str, Any]) -> None:
    """The file is a PodDisruptionBudget of policy/v1, named churn-service."""
    found = (budget.get("apiVersion"), budget.get("kind"))
    assert found == ("policy/v1", "PodDisruptionBudget"), (
        f"the manifest is a {found[1]} of {found[0]}: want a PodDisruptionBudget of "
        "policy/v1 (policy/v1beta1 was removed in Kubernetes 1.25)"
    )
    name = (budget.get("metadata") or {}).get("name")
    assert name == "churn-service", (
        f"the budget is named {name!r}: want churn-service, like the objects it "
        "goes with"
    )


def test_it_passes_strict_validation(budget: dict[str, Any]) -> None:
    """It passes strict validation against the Kubernetes schema."""
    try:
        kubernetes_validate.validate(budget, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        where = ".".join(str(part) for part in error.path) or "the manifest"
        pytest.fail(f"Kubernetes {KUBERNETES_VERSION} refuses {where}: {error.message}")


def test_it_selects_the_service_pods(
    budget: dict[str, Any], pod_labels: dict[str, str]
) -> None:
    """Its selector picks the Deployment's pods, and only pods with their labels."""
    selector = spec(budget).get("selector") or {}
    labels = selector.get("matchLabels") or {}
    assert labels or selector.get("matchExpressions"), (
        "the selector is empty, so the budget counts every pod in the namespace: "
        "want matchLabels from the Deployment's pod template"
    )
    wrong = {k: v for k, v in labels.items() if pod_labels.get(k) != v}
    assert not wrong, (
        f"the selector asks for {wrong}, which the service's pods do not carry: "
        f"their labels are {pod_labels}"
    )


def test_one_pod_stays_up(budget: dict[str, Any]) -> None:
    """It keeps at least one pod running during a drain: minAvailable: 1."""
    found = spec(budget)
    assert "maxUnavailable" not in found, (
        "the budget sets maxUnavailable: Kubernetes accepts one of minAvailable and "
        "maxUnavailable, and this exercise asks for minAvailable"
    )
    wanted = found.get("minAvailable")
    assert wanted == 1, (
        f"minAvailable is {shown(wanted)}: want the number 1, one pod that always "
        "keeps scoring (a percentage would change with the pod count)"
    )


def test_a_drain_can_proceed(budget: dict[str, Any]) -> None:
    """Its minAvailable is below the autoscaler's minReplicas, so a drain can go on."""
    floor = load(MANIFESTS / "hpa.yaml")["spec"]["minReplicas"]
    wanted = spec(budget).get("minAvailable")
    assert isinstance(wanted, int), (
        f"minAvailable is {shown(wanted)}: want a number of pods"
    )
    assert wanted < floor, (
        f"minAvailable is {wanted} and the autoscaler may run as few as {floor} "
        "pods: then no pod may ever be evicted and a drain waits forever; want "
        "fewer than minReplicas"
    )
