"""What the alerting exercises share: the reader's rule, added to the real rules.

The exercises of docs/production/monitoring.md and safe-releases.md each ask for
one Prometheus alert rule (``RULE``, as YAML in the starter). Their checks add it
to deploy/prometheus/alerts.yml in a scratch folder and run promtool there, the
way tests/deploy/test_prometheus.py checks the real rules.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from tests.deploy.test_prometheus import promtool

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "deploy" / "prometheus" / "alerts.yml"


def rule(exercise: ModuleType) -> dict[str, Any]:
    """The reader's rule, from ``RULE``; a check fails in words if it is not one."""
    try:
        found = yaml.safe_load(exercise.RULE)
    except yaml.YAMLError as error:
        pytest.fail(f"RULE is not valid YAML: {error}", pytrace=False)
    assert isinstance(found, dict), (
        "RULE must be one rule, a mapping with alert, expr, for, labels, annotations"
    )
    assert "expr" in found, "RULE has no expr: the query that makes the alert fire"
    return found


def write_rules(folder: Path, added: dict[str, Any]) -> None:
    """Write alerts.yml into ``folder``, with ``added`` in its first group."""
    rules = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    rules["groups"][0]["rules"].append(added)
    (folder / "alerts.yml").write_text(yaml.safe_dump(rules, sort_keys=False))


def run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run promtool in ``folder``: ``run(folder, "check", "rules", "alerts.yml")``."""
    return subprocess.run(
        [promtool(), *args], cwd=folder, capture_output=True, text=True, timeout=120
    )
