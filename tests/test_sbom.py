"""`make sbom` writes what the image installs, from the lock, without the network.

docs/production/security.md shows the command; this test runs that block as the
page prints it, from the repository, with the bill written to a scratch folder.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from packaging.utils import canonicalize_name

from tests.paths import DOCS, ROOT
from tests.test_shell_blocks import block_run_by
from tools.lock import Lock

PAGE = DOCS / "production" / "security.md"
# In the environment you develop in, never in the image.
DEVELOPMENT_ONLY = {"pytest", "mkdocs", "ruff", "dagster", "mlflow", "playwright"}


@pytest.fixture(scope="module")
def sbom(tmp_path_factory: pytest.TempPathFactory) -> dict:
    path = tmp_path_factory.mktemp("sbom") / "sbom.cdx.json"
    script = block_run_by(PAGE, "tests/test_sbom.py")
    assert script == "make sbom"
    # SBOM (where the Makefile writes the bill) from the environment, as make allows.
    subprocess.run(
        ["bash", "-c", script],
        cwd=ROOT,
        check=True,
        env=os.environ | {"SBOM": str(path)},
    )
    return json.loads(path.read_text(encoding="utf-8"))


def components(sbom: dict) -> set[tuple[str, str]]:
    return {(canonicalize_name(c["name"]), c["version"]) for c in sbom["components"]}


def test_the_bill_names_the_project_it_describes(sbom):
    lock = Lock(ROOT / "uv.lock")
    assert sbom["bomFormat"] == "CycloneDX"
    assert sbom["specVersion"] == "1.5"
    root = sbom["metadata"]["component"]
    assert (root["name"], root["version"]) == (
        lock.project()["name"],
        lock.project()["version"],
    )


def test_it_lists_every_runtime_package_at_its_locked_version(sbom):
    lock = Lock(ROOT / "uv.lock")
    project = canonicalize_name(lock.project()["name"])
    runtime = {key for key in lock.closure(lock.project_dependencies())}
    runtime = {key for key in runtime if key[0] != project}
    listed = components(sbom)
    assert runtime <= listed
    assert not {name for name, _ in listed} & DEVELOPMENT_ONLY


def test_each_package_carries_the_hashes_of_its_files(sbom):
    for component in sbom["components"]:
        assert (
            component["purl"] == f"pkg:pypi/{component['name']}@{component['version']}"
        )
        hashes = [
            digest
            for reference in component["externalReferences"]
            for digest in reference.get("hashes", [])
        ]
        assert hashes, component["name"]
        assert {digest["alg"] for digest in hashes} == {"SHA-256"}
