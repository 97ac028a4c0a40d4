"""One answer to the exercise of docs/production/security.md: scrapes from Prometheus.

Inside one ``from`` entry, a ``namespaceSelector`` and a ``podSelector`` must both
match: the Prometheus pods of the monitoring namespace. As two entries, either one
is enough, which lets the whole namespace in again. So the check is an allow-list of
the two sources the service needs, and any other source is a problem. Read it after
your own attempt.
"""

from __future__ import annotations

import copy
from typing import Any

PROMETHEUS_POD_LABELS = {"app.kubernetes.io/name": "prometheus"}

NAME = "kubernetes.io/metadata.name"
# The two sources the service takes traffic from, each as one `from` entry.
ALLOWED_SOURCES = (
    {"namespaceSelector": {"matchLabels": {NAME: "ingress"}}},
    {
        "namespaceSelector": {"matchLabels": {NAME: "monitoring"}},
        "podSelector": {"matchLabels": PROMETHEUS_POD_LABELS},
    },
)


def narrowed(policy: dict[str, Any]) -> dict[str, Any]:
    """A copy of the NetworkPolicy whose scrape rule lets in the Prometheus pods alone.

    Args:
        policy: deploy/k8s/networkpolicy.yaml, as loaded by ``yaml.safe_load``.

    Returns:
        The same policy, with the monitoring namespace's rule narrowed.
    """
    changed = copy.deepcopy(policy)
    for rule in changed["spec"]["ingress"]:
        for source in rule.get("from", []):
            labels = source.get("namespaceSelector", {}).get("matchLabels", {})
            if labels.get(NAME) == "monitoring":
                source["podSelector"] = {"matchLabels": dict(PROMETHEUS_POD_LABELS)}
    return changed


def scrape_problems(policy: dict[str, Any]) -> list[str]:
    """Every way the policy's ingress lets in more than it should, in words.

    Two sources are right: the ingress controller's namespace, as today, and the
    Prometheus pods of the monitoring namespace. Anything wider is a problem.

    Args:
        policy: A NetworkPolicy, as loaded by ``yaml.safe_load``.

    Returns:
        One line per source that is too wide; empty if there is none.
    """
    problems = []
    for number, rule in enumerate(policy["spec"].get("ingress") or [], 1):
        if not rule.get("from"):
            problems.append(f"ingress rule {number} has no `from`: it admits anyone")
        for source in rule.get("from") or []:
            if source not in ALLOWED_SOURCES:
                problems.append(f"ingress rule {number} admits {source}")
    return problems
