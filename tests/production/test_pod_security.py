import copy

import pytest

from production.pod_security import restricted_problems

SAFE = {
    "automountServiceAccountToken": False,
    "securityContext": {
        "runAsNonRoot": True,
        "runAsUser": 10001,
        "seccompProfile": {"type": "RuntimeDefault"},
    },
    "containers": [
        {
            "name": "app",
            "resources": {"limits": {"cpu": "1", "memory": "1Gi"}},
            "securityContext": {
                "allowPrivilegeEscalation": False,
                "readOnlyRootFilesystem": True,
                "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]},
            },
        }
    ],
    "volumes": [{"name": "tmp", "emptyDir": {}}],
}


def test_a_hardened_pod_has_no_problem():
    assert restricted_problems(SAFE) == []


def test_every_way_a_pod_breaks_the_standard_is_named():
    pod = copy.deepcopy(SAFE)
    pod.update(hostNetwork=True, automountServiceAccountToken=True)
    pod["volumes"].append({"name": "docker", "hostPath": {"path": "/var/run"}})
    pod["securityContext"] = {"runAsUser": 0}
    (container,) = pod["containers"]
    container.update(ports=[{"containerPort": 80, "hostPort": 80}], resources={})
    container["securityContext"] = {
        "privileged": True,
        "capabilities": {"add": ["SYS_ADMIN"]},
    }
    assert restricted_problems(pod) == [
        "pod: hostNetwork is on",
        "pod: volume docker is a hostPath",
        "pod: mounts a service account token it does not need",
        "app: runs privileged",
        "app: allowPrivilegeEscalation is not false",
        "app: runAsNonRoot is not true",
        "app: runAsUser is 0 (root)",
        "app: seccompProfile is not RuntimeDefault or Localhost",
        "app: capabilities do not drop ALL",
        "app: adds capability SYS_ADMIN",
        "app: binds a host port",
        "app: root filesystem is writable",
        "app: has no resource limits",
    ]


@pytest.mark.parametrize("key", ["runAsNonRoot", "seccompProfile"])
def test_a_containers_own_setting_overrides_the_pods(key):
    pod = copy.deepcopy(SAFE)
    value = pod["securityContext"].pop(key)
    (container,) = pod["containers"]
    assert restricted_problems(pod)  # neither the pod nor the container sets it
    container["securityContext"][key] = value
    assert restricted_problems(pod) == []


def test_init_containers_are_held_to_the_same_rules():
    pod = copy.deepcopy(SAFE)
    pod["initContainers"] = [{"name": "fetch", "securityContext": {}}]
    assert "fetch: allowPrivilegeEscalation is not false" in restricted_problems(pod)
