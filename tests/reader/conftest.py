"""What the reader test needs once per worker: the built site, the wheel, the lock."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import ROOT
from tests.site.build import Build
from tools.lock import Lock, export_pylock


def uv_binary() -> str:
    """The uv that made the environment: `uv run` says which in $UV."""
    found = os.environ.get("UV") or shutil.which("uv")
    bootstrap = ROOT / ".bootstrap" / "bin" / "uv"
    if found:
        return found
    if bootstrap.exists():
        return str(bootstrap)
    pytest.fail("uv not found: run the tests with `make test`, which provides it")


@pytest.fixture(scope="session")
def uv() -> str:
    return uv_binary()


@pytest.fixture(scope="session")
def lock() -> Lock:
    return Lock(ROOT / "uv.lock")


@pytest.fixture(scope="session")
def full_pylock(tmp_path_factory: pytest.TempPathFactory, uv: str) -> Path:
    """Every locked package as one pylock.toml, to take each page's part from."""
    return export_pylock(ROOT, uv, tmp_path_factory.mktemp("lock") / "pylock.toml")


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory, uv: str) -> Path:
    """The churn wheel and sdist, built offline with the locked hatchling."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            uv,
            "build",
            "--wheel",
            "--sdist",
            "--offline",
            "--no-build-isolation",
            "--python",
            sys.executable,
            "--out-dir",
            str(out),
            "--quiet",
        ],
        cwd=ROOT,
        check=True,
    )
    return out


@pytest.fixture(scope="session")
def wheel(dist: Path) -> Path:
    (path,) = dist.glob("*.whl")
    return path


@pytest.fixture(scope="session")
def reader_site(built_site: Build) -> Path:
    """The built site with each page's notebook written beside it."""
    assert built_site.returncode == 0, built_site.log[-3000:]
    return built_site.site
