"""How a pod's requests decide where it runs and how many fit.

The Kubernetes scheduler places a pod on a node only if the node's unreserved
capacity covers the pod's requests, resource by resource; limits play no part in
placing it. So the requests in a manifest are arithmetic you can do before any
cluster exists: how many replicas fit on a node, which resource runs out first, and
how many nodes the autoscaler's ceiling needs.
"""

from __future__ import annotations

# --8<-- [start:quantities]
import math
import re

UNITS = {"m": 1e-3, "": 1.0, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}


def quantity(value: str) -> float:
    """A Kubernetes quantity as a plain number: ``"250m"`` is 0.25, ``"1Gi"`` 2**30.

    Raises:
        ValueError: If the text is not a number with one of the units in `UNITS`.
    """
    found = re.fullmatch(r"(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|)", str(value).strip())
    if found is None:
        raise ValueError(f"not a quantity in {', '.join(UNITS)}: {value!r}")
    return float(found[1]) * UNITS[found[2]]


# --8<-- [end:quantities]


# --8<-- [start:fit]
def pods_per_node(
    allocatable: dict[str, str], requests: dict[str, str]
) -> tuple[int, str]:
    """How many pods with these requests one node takes, and what runs out first.

    Args:
        allocatable: The node's capacity left for pods, e.g. ``{"cpu": "4"}``.
        requests: One pod's requests, as its manifest writes them.

    Returns:
        The number of pods, and the resource that limits it.

    Raises:
        ValueError: If a request is zero, or the node does not say how much of a
            requested resource it has.
    """
    fits = {}
    for resource, wanted in requests.items():
        if resource not in allocatable:
            raise ValueError(f"the node does not state its allocatable {resource}")
        if quantity(wanted) <= 0:
            raise ValueError(f"the {resource} request must be above 0: {wanted!r}")
        fits[resource] = math.floor(quantity(allocatable[resource]) / quantity(wanted))
    binding = min(fits, key=fits.get)
    return fits[binding], binding


def nodes_for(replicas: int, per_node: int) -> int:
    """Nodes needed to run ``replicas`` pods when each node takes ``per_node``."""
    if per_node < 1:
        raise ValueError("not one pod fits on a node: its requests exceed it")
    return math.ceil(replicas / per_node)


# --8<-- [end:fit]


# --8<-- [start:service]
# The churn service's requests and the autoscaler's ceiling, as deploy/k8s/ sets
# them (tests/skills/test_scheduling.py keeps these equal to the manifests).
SERVICE_REQUESTS = {"cpu": "1", "memory": "512Mi"}
SERVICE_MAX_REPLICAS = 10
# --8<-- [end:service]
