"""The Kubernetes manifests are valid and wire the service together as promised.

kubernetes-validate checks each manifest against the Kubernetes OpenAPI schemas
bundled in the package (strict: unknown fields are errors), so nothing is
downloaded and no cluster is needed.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import kubernetes_validate
import pytest
import yaml

import churn.tracking_server as remote
from churn.cli import TRACKING_URI_ENV
from churn.serve import router
from production.pod_security import restricted_problems
from tests.paths import ROOT

MANIFESTS = ROOT / "deploy" / "k8s"
MANIFEST_FILES = sorted(MANIFESTS.glob("*.yaml"))
DOCKERFILE = ROOT / "Dockerfile"

# A recent release whose schemas kubernetes-validate bundles; the preStop `sleep`
# action the Deployment uses is in the API from 1.30.
KUBERNETES_VERSION = "1.34"

Manifest = dict[str, Any]


def load(path: Path) -> Manifest:
    (document,) = yaml.safe_load_all(path.read_text(encoding="utf-8"))
    return document


@pytest.fixture(scope="module")
def manifests() -> dict[str, Manifest]:
    documents = [load(path) for path in MANIFEST_FILES]
    return {document["kind"]: document for document in documents}


@pytest.fixture(scope="module")
def deployment(manifests: dict[str, Manifest]) -> Manifest:
    return manifests["Deployment"]


@pytest.fixture(scope="module")
def container(deployment: Manifest) -> dict[str, Any]:
    (only,) = deployment["spec"]["template"]["spec"]["containers"]
    return only


def dockerfile(keyword: str) -> str:
    """The arguments of the last ``keyword`` instruction in the Dockerfile."""
    text = DOCKERFILE.read_text(encoding="utf-8")
    return re.findall(rf"^{keyword} (.+)$", text, re.MULTILINE)[-1].strip()


def port_number(container: dict[str, Any], port: int | str) -> int:
    """Resolve a port given by name (``http``) or number to its number."""
    if isinstance(port, int):
        return port
    (number,) = [p["containerPort"] for p in container["ports"] if p["name"] == port]
    return number


UNITS = {"m": 1e-3, "": 1, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}


def quantity(value: str) -> float:
    """A Kubernetes quantity such as ``250m`` or ``512Mi`` as a plain number."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|)", str(value))
    assert match, f"unsupported quantity {value!r}"
    return float(match[1]) * UNITS[match[2]]


def test_every_kind_is_present(manifests: dict[str, Manifest]):
    assert set(manifests) == {
        "ConfigMap",
        "Deployment",
        "Service",
        "HorizontalPodAutoscaler",
        "Ingress",
        "NetworkPolicy",
    }


@pytest.mark.parametrize("path", MANIFEST_FILES, ids=lambda p: p.name)
def test_manifest_matches_the_kubernetes_schema(path: Path):
    version = kubernetes_validate.validate(load(path), KUBERNETES_VERSION, strict=True)
    assert version == KUBERNETES_VERSION


def test_validator_rejects_a_wrongly_typed_field(deployment: Manifest):
    broken = copy.deepcopy(deployment)
    broken["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError) as caught:
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)
    assert list(caught.value.path) == ["spec", "replicas"]


def test_strict_validation_rejects_a_misspelt_field(deployment: Manifest):
    broken = copy.deepcopy(deployment)
    broken["spec"]["replica"] = broken["spec"].pop("replicas")
    # Without strict the typo passes and the Deployment silently runs one pod.
    kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=False)
    with pytest.raises(kubernetes_validate.ValidationError, match="'replica'"):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_image_is_the_service_at_a_fixed_tag(container: dict[str, Any]):
    name, _, tag = container["image"].rpartition(":")
    assert name == "ghcr.io/ds-to-mle/churn-service"
    assert tag
    assert tag != "latest"


def test_probes_check_health_and_readiness(container: dict[str, Any]):
    expected = {
        "startupProbe": "/health",
        "livenessProbe": "/health",
        "readinessProbe": "/ready",
    }
    for probe, path in expected.items():
        http = container[probe]["httpGet"]
        assert http["path"] == path, probe
        assert port_number(container, http["port"]) == 8000, probe


def test_container_port_is_the_one_the_image_exposes(container: dict[str, Any]):
    assert port_number(container, "http") == int(dockerfile("EXPOSE"))


def test_resources_have_requests_within_limits(container: dict[str, Any]):
    resources = container["resources"]
    for name in ("cpu", "memory"):
        request = quantity(resources["requests"][name])
        limit = quantity(resources["limits"][name])
        assert 0 < request <= limit, name


def test_pods_run_as_the_images_non_root_user(
    deployment: Manifest, container: dict[str, Any]
):
    pod = deployment["spec"]["template"]["spec"]["securityContext"]
    assert pod["runAsNonRoot"] is True
    assert str(pod["runAsUser"]) == dockerfile("USER")
    own = container["securityContext"]
    assert own["readOnlyRootFilesystem"] is True
    assert own["allowPrivilegeEscalation"] is False
    assert own["capabilities"]["drop"] == ["ALL"]


def test_pods_meet_the_restricted_pod_security_standard(deployment: Manifest):
    assert restricted_problems(deployment["spec"]["template"]["spec"]) == []


SECRET_NAMES = re.compile(r"TOKEN|PASSWORD|SECRET|KEY|CREDENTIAL", re.IGNORECASE)


def test_no_secret_is_written_in_a_manifest(
    manifests: dict[str, Manifest], container: dict[str, Any]
):
    assert "Secret" not in manifests  # created in the cluster, never committed
    for variable in container["env"]:
        if SECRET_NAMES.search(variable["name"]):
            assert "value" not in variable, variable["name"]
            assert "secretKeyRef" in variable["valueFrom"]
    config = manifests["ConfigMap"]["data"]
    assert not any(SECRET_NAMES.search(key) for key in config)
    assert "@" not in config[TRACKING_URI_ENV]  # no user:password@ in the URL
    # The login to the tracking server is read from the variables the service reads.
    names = {variable["name"] for variable in container["env"]}
    assert {remote.USERNAME_ENV, remote.PASSWORD_ENV} <= names


def test_the_ingress_exposes_only_the_public_routes(
    manifests: dict[str, Manifest], container: dict[str, Any]
):
    ingress = manifests["Ingress"]["spec"]
    assert ingress["tls"], "the public way in is HTTPS"
    (rule,) = ingress["rules"]
    paths = rule["http"]["paths"]
    served = {route.path for route in router.routes}
    exposed = set()
    for path in paths:
        backend = path["backend"]["service"]
        assert backend["name"] == manifests["Service"]["metadata"]["name"]
        assert backend["port"] == {"name": "http"}
        prefix = path["pathType"] == "Prefix"
        matches = {
            route
            for route in served
            if route == path["path"]
            or (prefix and route.startswith(path["path"] + "/"))
        }
        assert matches, f"{path['path']} is no route of the service"
        exposed |= matches
    assert exposed == {"/predict", "/predict/batch", "/metadata"}
    assert not any(route.startswith(("/admin", "/metrics")) for route in exposed)


def test_the_network_policy_lets_in_only_the_ingress_and_prometheus(
    manifests: dict[str, Manifest], deployment: Manifest, container: dict[str, Any]
):
    policy = manifests["NetworkPolicy"]["spec"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert policy["podSelector"]["matchLabels"].items() <= labels.items()
    assert policy["policyTypes"] == ["Ingress", "Egress"]  # deny what is not listed
    sources = set()
    for rule in policy["ingress"]:
        (peer,) = rule["from"]
        sources.add(
            peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
        )
        assert [port_number(container, p["port"]) for p in rule["ports"]] == [8000]
    assert sources == {"ingress", "monitoring"}


def test_the_network_policy_lets_out_only_dns_and_the_tracking_server(
    manifests: dict[str, Manifest],
):
    policy = manifests["NetworkPolicy"]["spec"]
    server = urlsplit(manifests["ConfigMap"]["data"][TRACKING_URI_ENV])
    namespace = server.hostname.split(".")[1]  # <service>.<namespace>.svc...
    allowed = {}
    for rule in policy["egress"]:
        (peer,) = rule["to"]
        name = peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
        allowed[name] = {(p["port"], p["protocol"]) for p in rule["ports"]}
    assert allowed == {
        "kube-system": {(53, "UDP"), (53, "TCP")},
        namespace: {(server.port, "TCP")},
    }


def test_the_champion_comes_from_the_tracking_server(
    manifests: dict[str, Manifest], deployment: Manifest, container: dict[str, Any]
):
    volumes = {v["name"]: v for v in deployment["spec"]["template"]["spec"]["volumes"]}
    mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
    assert {m["name"] for m in mounts.values()} == set(volumes)
    # The server's URL comes from the ConfigMap; `churn serve` reads it from there.
    (source,) = container["envFrom"]
    config = manifests["ConfigMap"]
    assert source["configMapRef"]["name"] == config["metadata"]["name"]
    assert config["data"][TRACKING_URI_ENV].startswith("http://")
    # /models is then a cache the pod fills: its own, writable, bounded.
    args = container["args"]
    assert args[args.index("--registry") + 1] == "/models"
    assert "sizeLimit" in volumes[mounts["/models"]["name"]]["emptyDir"]
    assert not mounts["/models"].get("readOnly", False)
    # With a read-only root filesystem, /tmp is the only place to write.
    assert "emptyDir" in volumes[mounts["/tmp"]["name"]]


def test_rollouts_never_reduce_capacity(deployment: Manifest):
    strategy = deployment["spec"]["strategy"]
    assert strategy["type"] == "RollingUpdate"
    assert strategy["rollingUpdate"] == {"maxUnavailable": 0, "maxSurge": 1}
    assert deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]


def test_selector_matches_the_pod_labels(deployment: Manifest):
    selector = deployment["spec"]["selector"]["matchLabels"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert selector.items() <= labels.items()


def test_service_routes_port_80_to_the_pods(
    manifests: dict[str, Manifest], deployment: Manifest, container: dict[str, Any]
):
    service = manifests["Service"]["spec"]
    assert service["type"] == "ClusterIP"
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["selector"].items() <= labels.items()
    (port,) = service["ports"]
    assert port["port"] == 80
    assert port_number(container, port["targetPort"]) == 8000


def test_autoscaler_scales_the_deployment_on_cpu(
    manifests: dict[str, Manifest], deployment: Manifest
):
    hpa = manifests["HorizontalPodAutoscaler"]
    assert hpa["apiVersion"] == "autoscaling/v2"
    target = hpa["spec"]["scaleTargetRef"]
    assert target["kind"] == deployment["kind"]
    assert target["name"] == deployment["metadata"]["name"]
    assert hpa["spec"]["minReplicas"] == deployment["spec"]["replicas"] == 2
    assert hpa["spec"]["maxReplicas"] == 10
    (metric,) = hpa["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu"
    assert metric["resource"]["target"]["averageUtilization"] == 70


@pytest.mark.parametrize(
    ("value", "expected"),
    [("250m", 0.25), ("1", 1.0), ("512Mi", 512 * 2**20), ("1Gi", 2**30)],
)
def test_quantity_parses_kubernetes_units(value: str, expected: float):
    assert quantity(value) == expected


def test_quantity_names_an_unsupported_unit():
    with pytest.raises(AssertionError, match="unsupported quantity '1Ti'"):
        quantity("1Ti")
