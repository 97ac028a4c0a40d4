"""One answer to the exercise of docs/skills/kubernetes.md: bigger nodes.

On 7.91 allocatable cores and 29 GiB, a pod requesting one core and 1.2 GiB fits
seven times by CPU and 24 times by memory: CPU still binds, and the autoscaler's ten
pods need two nodes. The memory limit rises with the request, to 2 GiB, so the
service keeps room above what it uses under load. Read it after your own attempt.
"""

from __future__ import annotations

import copy
from typing import Any

from skills.scheduling import (
    SERVICE_MAX_REPLICAS,
    SERVICE_REQUESTS,
    nodes_for,
    pods_per_node,
)

NODE: dict[str, str] = {"cpu": "7910m", "memory": "29Gi"}

REQUESTS: dict[str, str] = {**SERVICE_REQUESTS, "memory": "1.2Gi"}

# A request above its limit is refused by the API server; a limit equal to what
# the service needs under load would kill it at its busiest.
LIMITS: dict[str, str] = {"cpu": "1", "memory": "2Gi"}


def plan() -> tuple[int, str, int]:
    """What the new nodes and requests mean for scheduling.

    Returns:
        Pods per node, the resource that runs out first on a node, and the nodes
        needed to run the autoscaler's ceiling of ``SERVICE_MAX_REPLICAS`` pods.
    """
    per_node, binding = pods_per_node(NODE, REQUESTS)
    return per_node, binding, nodes_for(SERVICE_MAX_REPLICAS, per_node)


def resized(deployment: dict[str, Any]) -> dict[str, Any]:
    """A copy of the Deployment whose container requests ``REQUESTS``.

    Args:
        deployment: deploy/k8s/deployment.yaml, as loaded by ``yaml.safe_load``.

    Returns:
        The same Deployment, with the new requests and limits that still hold them.
    """
    changed = copy.deepcopy(deployment)
    (container,) = changed["spec"]["template"]["spec"]["containers"]
    container["resources"] = {"requests": dict(REQUESTS), "limits": dict(LIMITS)}
    return changed
