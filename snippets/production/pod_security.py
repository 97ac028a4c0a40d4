"""Check a pod template against Kubernetes' "restricted" Pod Security Standard.

A cluster enforces the standard itself: label the namespace
``pod-security.kubernetes.io/enforce=restricted`` and the API server refuses any pod
that breaks it. That check runs when you apply, which is late: a manifest that
breaks it fails the rollout, not the pull request. This module runs the same rules
on the manifest in a test, and adds three the standard leaves out but a model
service should keep: a read-only root filesystem, no service account token, and
resource limits.
"""

from __future__ import annotations

# --8<-- [start:imports]
from collections.abc import Iterator
from typing import Any

# --8<-- [end:imports]

# --8<-- [start:rules]
# The volume types the restricted profile allows; hostPath is the one it exists to stop.
ALLOWED_VOLUMES = frozenset(
    {
        "configMap",
        "csi",
        "downwardAPI",
        "emptyDir",
        "ephemeral",
        "persistentVolumeClaim",
        "projected",
        "secret",
    }
)
# The one capability a container may add back after dropping ALL.
ALLOWED_CAPABILITIES = frozenset({"NET_BIND_SERVICE"})
SECCOMP_PROFILES = frozenset({"RuntimeDefault", "Localhost"})


def _setting(pod: dict[str, Any], container: dict[str, Any], key: str) -> Any:
    """A container's setting, falling back to the pod's, as Kubernetes resolves it."""
    own = container.get("securityContext", {})
    if key in own:
        return own[key]
    return pod.get("securityContext", {}).get(key)


def _container_problems(
    pod: dict[str, Any], container: dict[str, Any]
) -> Iterator[str]:
    name = container["name"]
    context = container.get("securityContext", {})
    if context.get("privileged"):
        yield f"{name}: runs privileged"
    if context.get("allowPrivilegeEscalation") is not False:
        yield f"{name}: allowPrivilegeEscalation is not false"
    if _setting(pod, container, "runAsNonRoot") is not True:
        yield f"{name}: runAsNonRoot is not true"
    if _setting(pod, container, "runAsUser") == 0:
        yield f"{name}: runAsUser is 0 (root)"
    seccomp = _setting(pod, container, "seccompProfile") or {}
    if seccomp.get("type") not in SECCOMP_PROFILES:
        yield f"{name}: seccompProfile is not RuntimeDefault or Localhost"
    capabilities = context.get("capabilities", {})
    if "ALL" not in capabilities.get("drop", []):
        yield f"{name}: capabilities do not drop ALL"
    for added in sorted(set(capabilities.get("add", [])) - ALLOWED_CAPABILITIES):
        yield f"{name}: adds capability {added}"
    if any("hostPort" in port for port in container.get("ports", [])):
        yield f"{name}: binds a host port"
    # Beyond the standard: what a model service should hold to as well.
    if context.get("readOnlyRootFilesystem") is not True:
        yield f"{name}: root filesystem is writable"
    if "limits" not in container.get("resources", {}):
        yield f"{name}: has no resource limits"


def restricted_problems(pod: dict[str, Any]) -> list[str]:
    """Every way a pod spec breaks the restricted standard (and this guide's additions).

    Args:
        pod: A pod spec: a Pod's ``spec``, or a Deployment's
            ``spec.template.spec``.

    Returns:
        One line per problem, naming the container or the field; empty if none.
    """
    problems = [
        f"pod: {field} is on"
        for field in ("hostNetwork", "hostPID", "hostIPC")
        if pod.get(field)
    ]
    for volume in pod.get("volumes", []):
        kind = next(key for key in volume if key != "name")
        if kind not in ALLOWED_VOLUMES:
            problems.append(f"pod: volume {volume['name']} is a {kind}")
    if pod.get("automountServiceAccountToken") is not False:
        problems.append("pod: mounts a service account token it does not need")
    for container in (*pod.get("initContainers", []), *pod["containers"]):
        problems.extend(_container_problems(pod, container))
    return problems


# --8<-- [end:rules]
