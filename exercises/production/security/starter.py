"""Exercise: let only the Prometheus pods scrape the service.

From docs/production/security.md. Prometheus needs to reach ``/metrics``, and today
deploy/k8s/networkpolicy.yaml lets every pod of the ``monitoring`` namespace in.
Narrow that rule to the Prometheus pods alone, and write the check that fails if
the rule ever widens back to the namespace.

Edit this file, then run ``make exercise NAME=production/security``.
"""

from __future__ import annotations

import copy
from typing import Any

# Say your Prometheus pods carry this label (look at yours with
# `kubectl -n monitoring get pods --show-labels`).
PROMETHEUS_POD_LABELS = {"app.kubernetes.io/name": "prometheus"}


def narrowed(policy: dict[str, Any]) -> dict[str, Any]:
    """A copy of the NetworkPolicy whose scrape rule lets in the Prometheus pods alone.

    Args:
        policy: deploy/k8s/networkpolicy.yaml, as loaded by ``yaml.safe_load``.

    Returns:
        The same policy, with the monitoring namespace's rule narrowed.
    """
    changed = copy.deepcopy(policy)
    # TODO: in the ingress rule that lets the monitoring namespace in, put a
    # podSelector for PROMETHEUS_POD_LABELS beside the namespaceSelector, in the
    # same `from` entry.
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
    # TODO: look at each ingress rule's `from` entries.
    return []
