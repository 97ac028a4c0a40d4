from pathlib import Path

import pytest
import yaml

from skills.scheduling import (
    SERVICE_MAX_REPLICAS,
    SERVICE_REQUESTS,
    nodes_for,
    pods_per_node,
    quantity,
)
from tests.paths import ROOT

K8S = ROOT / "deploy" / "k8s"


def manifest(name: str) -> dict:
    return yaml.safe_load(Path(K8S / name).read_text(encoding="utf-8"))


def test_the_page_uses_the_manifests_numbers():
    (container,) = manifest("deployment.yaml")["spec"]["template"]["spec"]["containers"]
    assert container["resources"]["requests"] == SERVICE_REQUESTS
    assert manifest("hpa.yaml")["spec"]["maxReplicas"] == SERVICE_MAX_REPLICAS


@pytest.mark.parametrize(
    ("text", "number"),
    [("250m", 0.25), ("1", 1.0), ("1.5", 1.5), ("512Mi", 512 * 2**20), ("2Gi", 2**31)],
)
def test_quantities_read_as_kubernetes_writes_them(text, number):
    assert quantity(text) == number


@pytest.mark.parametrize("text", ["", "1GB", "-1", "one", "1 Mi"])
def test_a_quantity_in_no_known_unit_is_named(text):
    with pytest.raises(ValueError, match="not a quantity"):
        quantity(text)


def test_the_scarcer_resource_decides_how_many_pods_fit():
    node = {"cpu": "3920m", "memory": "14Gi"}
    assert pods_per_node(node, {"cpu": "1", "memory": "512Mi"}) == (3, "cpu")
    assert pods_per_node(node, {"cpu": "250m", "memory": "4Gi"}) == (3, "memory")
    assert pods_per_node(node, {"cpu": "8"}) == (0, "cpu")


def test_a_request_the_node_cannot_state_or_a_zero_request_is_refused():
    with pytest.raises(ValueError, match="allocatable memory"):
        pods_per_node({"cpu": "4"}, {"cpu": "1", "memory": "1Gi"})
    with pytest.raises(ValueError, match="cpu request must be above 0"):
        pods_per_node({"cpu": "4"}, {"cpu": "0"})


def test_nodes_round_up_and_refuse_a_pod_that_never_fits():
    assert nodes_for(10, 3) == 4
    assert nodes_for(9, 3) == 3
    with pytest.raises(ValueError, match="not one pod fits"):
        nodes_for(2, 0)
