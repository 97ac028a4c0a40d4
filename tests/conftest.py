"""Shared fixtures and the summary line that counts the examples run and skipped."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.environ import unmeasured
from tests.paths import ROOT
from tests.scheduling import SiteModulesWhole
from tests.site.build import Build, build
from tools.lock import Lock, export_pylock

# Tests never reach the network, whichever module imports MLflow first.
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
# One OpenMP thread per process: xdist already runs a worker per core, and the
# gradient-boosted trees' threads spin while they wait, so two workers each using
# every core ran a page's code several times slower than one worker alone. Set
# before scikit-learn loads OpenMP; every process the tests start inherits it.
# Predictions do not depend on it; the model file's bytes do (reproducibility.md),
# and production/model-versioning's model card, which shows the file's hash, says so.
os.environ.setdefault("OMP_NUM_THREADS", "1")

# Each worker builds the site once, for the first of its tests that reads it
# (tests/scheduling.py says how the tests are shared out).


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The site as the Pages workflow builds it after a passing run."""
    return build(ROOT, tmp_path_factory.mktemp("site"), env=VERIFIED_BUILD)


# What .github/workflows/pages.yml sets when it builds a commit whose tests passed.
VERIFIED_BUILD = {
    "GUIDE_VERIFIED_COMMIT": "0123456789abcdef0123456789abcdef01234567",
    "GUIDE_VERIFIED_ON": "2026-01-31",
}


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


# These tests prove the built site, the tools and what a reader copies, not the code
# in snippets/: what they run of it is incidental (its own tests cover all of it).
# Measured, three of these modules took 58-59 s; unmeasured, 51-54 s.
UNMEASURED = (
    "tests/assets/",
    "tests/browser/",
    "tests/exercises/",
    "tests/extensions/",
    "tests/reader/",
    "tests/site/",
    "tests/tools/",
)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    """Run a test under ``UNMEASURED`` with coverage off, in it and in its children."""
    plugin = item.config.pluginmanager.getplugin("_cov")
    controller = getattr(plugin, "cov_controller", None)
    if controller is None or not item.nodeid.startswith(UNMEASURED):
        return (yield)
    controller.pause()
    kept = unmeasured()
    saved = {k: os.environ.pop(k) for k in set(os.environ) - set(kept)}
    try:
        return (yield)
    finally:
        os.environ.update(saved)
        controller.resume()


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> SiteModulesWhole:
    """Keep each module of the built site's tests whole, on one xdist worker."""
    return SiteModulesWhole(config, log)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print how many documentation code blocks ran and which were skipped, and why."""
    ran = skipped = 0
    reasons: list[str] = []
    for outcome in ("passed", "failed", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            if "test_docs.py::test_example[" not in getattr(report, "nodeid", ""):
                continue
            if report.when != "call":  # the test itself calls pytest.skip
                continue
            props = dict(report.user_properties)
            if outcome == "skipped":
                skipped += props.get("blocks", 1)
                where = report.nodeid.split("[", 1)[1].rstrip("]")
                reasons.append(f"{where}: {props.get('skip_reason', '?')}")
            else:
                ran += props.get("blocks", 1)
    shell_run = 0
    for report in terminalreporter.stats.get("passed", []):
        if "test_shell_blocks.py::test_shell_block_is_run" not in report.nodeid:
            continue
        props = dict(report.user_properties)
        if "shell_skip" in props:
            where = report.nodeid.split("[", 1)[1].rstrip("]")
            reasons.append(f"{where} (shell): {props['shell_skip']}")
        else:
            shell_run += 1
    if ran or skipped or reasons or shell_run:
        terminalreporter.write_sep("-", "documentation code blocks")
        terminalreporter.write_line(
            f"{ran} Python blocks ran, {skipped} skipped; {shell_run} shell blocks "
            f"run by their tests, {len(reasons) - skipped} skipped"
        )
        for reason in reasons:
            terminalreporter.write_line(f"  skipped {reason}")
