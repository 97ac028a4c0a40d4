"""Exercise: size the churn service for bigger nodes.

From docs/skills/kubernetes.md. Your nodes change to 8 cores and 32 GiB, of which
7.91 cores and 29 GiB are allocatable, and a profile shows the service needs 1.2 GiB
of memory under load. Write down the new node and requests, work out what they mean
for scheduling, and change the Deployment to match.

Edit this file, then run ``make exercise NAME=skills/kubernetes``.
"""

from __future__ import annotations

import copy
from typing import Any

from skills.scheduling import SERVICE_REQUESTS

# TODO: the new nodes' allocatable capacity, as `kubectl describe node` writes it.
NODE: dict[str, str] = {"cpu": "3920m", "memory": "14Gi"}

# TODO: the requests the profile calls for: still one core, and 1.2 GiB of memory.
REQUESTS: dict[str, str] = dict(SERVICE_REQUESTS)


def plan() -> tuple[int, str, int]:
    """What the new nodes and requests mean for scheduling.

    Returns:
        Pods per node, the resource that runs out first on a node, and the nodes
        needed to run the autoscaler's ceiling of ``SERVICE_MAX_REPLICAS`` pods.
    """
    # TODO: work it out with pods_per_node and nodes_for (skills.scheduling).
    return 0, "", 0


def resized(deployment: dict[str, Any]) -> dict[str, Any]:
    """A copy of the Deployment whose container requests ``REQUESTS``.

    Args:
        deployment: deploy/k8s/deployment.yaml, as loaded by ``yaml.safe_load``.

    Returns:
        The same Deployment, with the new requests and limits that still hold them.
    """
    changed = copy.deepcopy(deployment)
    # TODO: set the container's resources: the requests, and limits that leave the
    # service room above what it needs under load.
    return changed
