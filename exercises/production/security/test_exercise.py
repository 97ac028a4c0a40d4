"""Checks for the exercise of docs/production/security.md: scrapes from Prometheus.

The reader's policy is deploy/k8s/networkpolicy.yaml passed through ``narrowed``.
Who it lets in is worked out the way Kubernetes reads a policy's ``ingress``: a
source is admitted if any ``from`` entry matches it, and within one entry every
selector must match.
"""

from __future__ import annotations

import copy
from types import ModuleType
from typing import Any

import kubernetes_validate
import pytest

from tests.deploy.test_k8s import KUBERNETES_VERSION, MANIFESTS, load

NAME = "kubernetes.io/metadata.name"
# The namespace the service runs in, for entries without a namespaceSelector.
OWN = "churn"
PROMETHEUS = {"app.kubernetes.io/name": "prometheus"}
OTHER_POD = {"app.kubernetes.io/name": "grafana"}

Policy = dict[str, Any]


def matches(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """Whether a label selector picks an object with these labels ({} picks all)."""
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for expression in selector.get("matchExpressions") or []:
        key, operator = expression["key"], expression["operator"]
        values = expression.get("values") or []
        found = {
            "In": labels.get(key) in values,
            "NotIn": labels.get(key) not in values,
            "Exists": key in labels,
            "DoesNotExist": key not in labels,
        }
        if not found[operator]:
            return False
    return True


def admits(policy: Policy, namespace: str, pod: dict[str, str]) -> bool:
    """Whether the policy lets a pod of ``namespace`` with labels ``pod`` in."""
    for rule in policy["spec"].get("ingress") or []:
        if not rule.get("from"):
            return True  # a rule without `from` admits every source
        for source in rule["from"]:
            if "ipBlock" in source:
                continue
            spaces = source.get("namespaceSelector")
            if spaces is None:
                in_space = namespace == OWN
            else:
                in_space = matches(spaces, {NAME: namespace})
            if in_space and matches(source.get("podSelector", {}), pod):
                return True
    return False


@pytest.fixture(scope="module")
def policy() -> Policy:
    """The repository's NetworkPolicy, as loaded from deploy/k8s/."""
    return load(MANIFESTS / "networkpolicy.yaml")


@pytest.fixture(scope="module")
def changed(exercise: ModuleType, policy: Policy) -> Policy:
    """The NetworkPolicy after the reader's ``narrowed``, given a copy to change."""
    return exercise.narrowed(copy.deepcopy(policy))


def scrape_rule(policy: Policy) -> dict[str, Any]:
    """The ingress rule that lets the monitoring namespace in."""
    for rule in policy["spec"]["ingress"]:
        for source in rule.get("from", []):
            labels = source.get("namespaceSelector", {}).get("matchLabels", {})
            if labels.get(NAME) == "monitoring":
                return rule
    raise LookupError("no ingress rule names the monitoring namespace")


def with_scrapes_from(policy: Policy, sources: list[dict[str, Any]] | None) -> Policy:
    """The policy with the scrape rule's `from` replaced (None: no `from` at all)."""
    changed = copy.deepcopy(policy)
    rule = scrape_rule(changed)
    if sources is None:
        del rule["from"]
    else:
        rule["from"] = sources
    return changed


MONITORING = {"matchLabels": {NAME: "monitoring"}}
NARROW = [{"namespaceSelector": MONITORING, "podSelector": {"matchLabels": PROMETHEUS}}]
# Each way the scrape rule can let more in than the Prometheus pods of monitoring.
WIDER = {
    "the whole namespace, as today": [{"namespaceSelector": MONITORING}],
    "namespace or pods, as two entries": [
        {"namespaceSelector": MONITORING},
        {"podSelector": {"matchLabels": PROMETHEUS}},
    ],
    "an empty podSelector, every pod of the namespace": [
        {"namespaceSelector": MONITORING, "podSelector": {}}
    ],
    "Prometheus pods of every namespace": [
        {"namespaceSelector": {}, "podSelector": {"matchLabels": PROMETHEUS}}
    ],
    "no from at all, every source": None,
}


def test_only_prometheus_pods_scrape(changed: Policy) -> None:
    """narrowed() lets in the Prometheus pods of monitoring, and no other pod there."""
    assert admits(changed, "monitoring", PROMETHEUS), (
        "with your policy the Prometheus pods of the monitoring namespace cannot "
        "reach the service: no scrapes, no metrics"
    )
    assert not admits(changed, "monitoring", OTHER_POD), (
        "with your policy any pod of the monitoring namespace (here one labelled "
        "app.kubernetes.io/name=grafana) still reaches the service: want the "
        "Prometheus pods alone"
    )
    assert not admits(changed, "default", PROMETHEUS), (
        "with your policy a pod labelled like Prometheus in the default namespace "
        "reaches the service: anyone can set a label on their own pod, so want the "
        "monitoring namespace too, in the same `from` entry"
    )


def test_the_rest_stays(changed: Policy, policy: Policy) -> None:
    """narrowed() leaves the rest as it was, and the ingress namespace still gets in."""
    assert admits(changed, "ingress", {"app": "controller"}), (
        "with your policy the ingress controller's namespace no longer reaches the "
        "service: leave its rule as it is"
    )
    before, after = copy.deepcopy(policy), copy.deepcopy(changed)
    for manifest in (before, after):
        scrape_rule(manifest)["from"] = []
    assert after == before, (
        "narrowed() changed more than the scrape rule's `from`: leave the pod "
        "selector, the ports, the ingress rule and egress as they are"
    )


def test_the_policy_is_still_valid(changed: Policy) -> None:
    """The narrowed policy passes strict validation against the Kubernetes schema."""
    try:
        kubernetes_validate.validate(changed, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        where = ".".join(str(part) for part in error.path)
        pytest.fail(f"Kubernetes {KUBERNETES_VERSION} refuses {where}: {error.message}")


def test_the_input_is_left_alone(exercise: ModuleType, policy: Policy) -> None:
    """narrowed() changes a copy: the policy it is given stays as it was."""
    given = copy.deepcopy(policy)
    exercise.narrowed(given)
    assert given == policy, (
        "narrowed() changed the policy it was given: change a copy and return it"
    )


def test_the_check_passes_a_narrow_rule(exercise: ModuleType, policy: Policy) -> None:
    """scrape_problems() finds nothing wrong when only Prometheus pods may scrape."""
    found = exercise.scrape_problems(with_scrapes_from(policy, NARROW))
    assert found == [], (
        f"scrape_problems() finds {found} in a policy that lets in the ingress "
        "namespace and the Prometheus pods of monitoring alone: want no problem"
    )


@pytest.mark.parametrize("case", list(WIDER))
def test_the_check_fails_a_wider_rule(
    exercise: ModuleType, policy: Policy, case: str
) -> None:
    """scrape_problems() finds a problem in each rule wider than the Prometheus pods."""
    found = exercise.scrape_problems(with_scrapes_from(policy, WIDER[case]))
    assert found, (
        "scrape_problems() finds no problem, yet this rule lets in more than the "
        "Prometheus pods of monitoring: want at least one line saying so"
    )
