"""Checks for the exercise of docs/skills/kubernetes.md: bigger nodes, new requests.

The reader's Deployment is the repository's deploy/k8s/deployment.yaml passed
through ``resized``, validated offline as tests/deploy/test_k8s.py validates it.
"""

from __future__ import annotations

import copy
from types import ModuleType
from typing import Any

import kubernetes_validate
import pytest

from skills.scheduling import SERVICE_MAX_REPLICAS, nodes_for, pods_per_node, quantity
from tests.deploy.test_k8s import KUBERNETES_VERSION, MANIFESTS, load

GIB = 2**30
# What the page gives: the new nodes' allocatable capacity and the measured need.
ALLOCATABLE_CPU, ALLOCATABLE_MEMORY = 7.91, 29 * GIB
NEEDED_MEMORY = 1.2 * GIB
# A request is reserved on a node whether the pod uses it or not: no padding.
MOST_MEMORY_REQUESTED = 1.25 * GIB


def gib(value: float) -> str:
    """A number of bytes in GiB, for the messages."""
    return f"{value / GIB:.3g} GiB"


@pytest.fixture(scope="module")
def deployment() -> dict[str, Any]:
    """The repository's Deployment, as loaded from deploy/k8s/deployment.yaml."""
    return load(MANIFESTS / "deployment.yaml")


@pytest.fixture(scope="module")
def changed(exercise: ModuleType, deployment: dict[str, Any]) -> dict[str, Any]:
    """The Deployment after the reader's ``resized``, given a copy to change."""
    return exercise.resized(copy.deepcopy(deployment))


def resources(manifest: dict[str, Any]) -> dict[str, Any]:
    """The one container's resources in a Deployment."""
    (container,) = manifest["spec"]["template"]["spec"]["containers"]
    return container.get("resources", {})


def test_the_node_is_the_new_one(exercise: ModuleType) -> None:
    """NODE holds the new nodes' allocatable capacity: 7.91 cores and 29 GiB."""
    cpu = quantity(exercise.NODE.get("cpu", "0"))
    memory = quantity(exercise.NODE.get("memory", "0"))
    assert cpu == pytest.approx(ALLOCATABLE_CPU), (
        f"NODE has {cpu:g} cores: want the 7.91 allocatable, not the 8 the node has"
    )
    assert memory == ALLOCATABLE_MEMORY, (
        f"NODE has {gib(memory)} of memory: want the 29 GiB allocatable"
    )


def test_the_requests_are_the_measured_ones(exercise: ModuleType) -> None:
    """REQUESTS asks for one core and the 1.2 GiB the service needs under load."""
    assert set(exercise.REQUESTS) == {"cpu", "memory"}, (
        f"REQUESTS names {sorted(exercise.REQUESTS)}: want cpu and memory"
    )
    cpu = quantity(exercise.REQUESTS["cpu"])
    memory = quantity(exercise.REQUESTS["memory"])
    assert cpu == 1, (
        f"REQUESTS asks for {cpu:g} cores: the service is one Python process, which "
        "uses at most one, so want 1"
    )
    assert NEEDED_MEMORY <= memory <= MOST_MEMORY_REQUESTED, (
        f"REQUESTS asks for {gib(memory)} of memory: want 1.2 GiB, what the profile "
        "measured (less lets the scheduler pack more pods than the memory holds, "
        "more reserves memory no one uses)"
    )


def test_the_plan_says_how_many_pods_fit(exercise: ModuleType) -> None:
    """plan() says how many pods fit on a new node and which resource runs out first."""
    wanted = pods_per_node({"cpu": "7910m", "memory": "29Gi"}, exercise.REQUESTS)
    per_node, binding, _ = exercise.plan()
    assert (per_node, binding) == wanted, (
        f"plan() says {per_node} pods per node, with {binding!r} running out first: "
        f"on 7.91 cores and 29 GiB, with REQUESTS, want what pods_per_node gives"
    )


def test_the_plan_says_how_many_nodes_the_ceiling_needs(exercise: ModuleType) -> None:
    """plan() says how many new nodes the autoscaler's ceiling of pods needs."""
    per_node, _ = pods_per_node({"cpu": "7910m", "memory": "29Gi"}, exercise.REQUESTS)
    nodes = exercise.plan()[2]
    assert nodes == nodes_for(SERVICE_MAX_REPLICAS, per_node), (
        f"plan() says {nodes} nodes for {SERVICE_MAX_REPLICAS} pods: want what "
        "nodes_for gives with the pods that fit on one node"
    )


def test_the_deployment_requests_them(
    exercise: ModuleType, changed: dict[str, Any]
) -> None:
    """resized() gives the container the requests in REQUESTS."""
    found = resources(changed).get("requests", {})
    assert found == exercise.REQUESTS, (
        f"the container requests {found}: want REQUESTS, {exercise.REQUESTS}"
    )
    memory = quantity(found.get("memory", "0"))
    assert memory >= NEEDED_MEMORY, (
        f"the container requests {gib(memory)} of memory: want the 1.2 GiB the "
        "service needs under load"
    )


def test_every_limit_holds_its_request(changed: dict[str, Any]) -> None:
    """Each limit is at least its request, as tests/deploy/test_k8s.py checks."""
    found = resources(changed)
    for name in ("cpu", "memory"):
        request = quantity(found.get("requests", {}).get(name, "0"))
        limit = quantity(found.get("limits", {}).get(name, "0"))
        shown = gib if name == "memory" else "{:g} cores".format
        assert 0 < request <= limit, (
            f"the {name} request is {shown(request)} and its limit {shown(limit)}: "
            "want a limit at least the request, or the API server refuses the pod"
        )


def test_the_memory_limit_leaves_room(changed: dict[str, Any]) -> None:
    """The memory limit is above the 1.2 GiB the service needs under load."""
    limit = quantity(resources(changed).get("limits", {}).get("memory", "0"))
    assert limit > NEEDED_MEMORY, (
        f"the memory limit is {gib(limit)}: a container that reaches its limit is "
        "killed, so want more than the 1.2 GiB it uses at its busiest"
    )


def test_the_deployment_is_still_valid(changed: dict[str, Any]) -> None:
    """The Deployment passes strict validation against the Kubernetes schema."""
    try:
        kubernetes_validate.validate(changed, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        where = ".".join(str(part) for part in error.path)
        pytest.fail(f"Kubernetes {KUBERNETES_VERSION} refuses {where}: {error.message}")


def test_nothing_else_changes(exercise: ModuleType, deployment: dict[str, Any]) -> None:
    """Only the container's resources change, in a copy: the input stays as it was."""
    given = copy.deepcopy(deployment)
    changed = exercise.resized(given)
    assert given == deployment, (
        "resized() changed the Deployment it was given: change a copy and return it"
    )
    before, after = copy.deepcopy(deployment), copy.deepcopy(changed)
    for manifest in (before, after):
        resources(manifest).clear()
    assert after == before, (
        "resized() changed more than the container's resources: leave the rest of "
        "the Deployment as deploy/k8s/deployment.yaml has it"
    )
