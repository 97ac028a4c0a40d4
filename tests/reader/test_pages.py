"""The reader: every page's code, copied from the built HTML, runs as the page says.

For each page of the built site this test does what a reader does: it takes the
text of every runnable Python block as the copy button gives it, saves the blocks
in page order as one script in an empty folder, makes a new virtual environment
holding only what the page's install line names (at the versions of uv.lock, from
uv's cache, offline), and runs the script. Then it runs the page's notebook, the
same code as cells, in a fresh kernel in that environment (plus the Jupyter
kernel a reader's Jupyter brings).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import DOCS, ROOT
from tools.install_lines import source_of
from tools.lock import Lock, Requirement, pylock_subset
from tools.pages import Page, notebook_name, read_page
from tools.requirements import CLONE, PROJECT, install_command, requirements

RUN_TIMEOUT_S = 600

# Pages with no runnable Python, and why: a page that loses its code fails here.
NO_CODE = {
    "": "the home page: what the guide is and how to run it",
}


def page_urls() -> list[str]:
    """The URL of every Markdown page, from its path under docs/."""
    urls = []
    for source in sorted(DOCS.rglob("*.md")):
        relative = source.relative_to(DOCS)
        if relative.parts[0] == "includes" or "generated" in relative.parts:
            continue
        stem = relative.with_suffix("").as_posix()
        urls.append("" if stem == "index" else stem.removesuffix("index") or stem)
    return [u if u == "" or u.endswith("/") else u + "/" for u in urls]


URLS = page_urls()


def page_of(site: Path, url: str) -> Page:
    return read_page(site, site / url / "index.html")


def environment(home: Path) -> dict[str, str]:
    """The process environment of a reader's shell: nothing from this clone."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}
        and not k.startswith(("COV_", "COVERAGE_", "PYTEST_", "UV_"))
    }
    # No test reaches the network: MLflow's usage telemetry is switched off.
    return {**env, "HOME": str(home), "MLFLOW_DISABLE_TELEMETRY": "true"}


def parse_install(line: str) -> list[Requirement]:
    """The requirements an install line names, as pip would read them."""
    assert line.startswith("pip install "), line
    reqs = []
    for word in re.findall(r'"([^"]+)"', line):
        name, _, extras = word.partition("==")[0].partition("[")
        name = PROJECT if name == CLONE else name
        reqs.append(
            Requirement(name, tuple(filter(None, extras.rstrip("]").split(","))))
        )
    return reqs


def make_venv(
    where: Path, reqs: list[Requirement], uv: str, lock: Lock, pylock: Path, wheel: Path
) -> Path:
    """A new virtual environment with only ``reqs`` (and what they depend on)."""
    venv = where / "venv"
    subprocess.run(
        [uv, "venv", "--quiet", "--python", sys.executable, str(venv)], check=True
    )
    python = venv / "bin" / "python"
    base = [uv, "pip", "install", "--quiet", "--offline", "--python", str(python)]
    keep = lock.closure(reqs)
    if keep:
        subset = pylock_subset(pylock, keep, where / "pylock.toml")
        subprocess.run([*base, "-r", str(subset)], check=True)
    if any(r.name == PROJECT for r in reqs):  # the clone, as the wheel CI builds
        subprocess.run([*base, "--no-deps", str(wheel)], check=True)
    return python


def run(
    command: list[str], cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess:
    return subprocess.run(
        command,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )


@pytest.mark.parametrize("url", URLS, ids=[u or "home" for u in URLS])
def test_page_runs_as_the_reader_copies_it(
    url: str,
    reader_site: Path,
    tmp_path: Path,
    uv: str,
    lock: Lock,
    full_pylock: Path,
    wheel: Path,
) -> None:
    page = page_of(reader_site, url)
    if not page.runnable:
        assert url in NO_CODE, f"{url}: no runnable Python block; list it in NO_CODE"
        assert page.install_line is None, f"{url}: an install box but no code"
        return
    assert url not in NO_CODE, f"{url} has runnable code: take it off NO_CODE"

    # The box says what to install, above the first block, and it is what the code imports.
    line = page.install_line
    assert line is not None, f"{url}: no 'Run this page's code' box"
    reqs = requirements(page.script, lock)
    expected = install_command(reqs, lock) if reqs else ""
    assert line == expected, f"{url}: run `python -m tools.install_lines`"
    assert parse_install(line) == reqs if line else not reqs
    assert page.notebook_href == notebook_name(url)

    # The script, in an empty folder, in an environment with only that line.
    work, home = tmp_path / "reader", tmp_path / "home"
    work.mkdir()
    home.mkdir()
    python = make_venv(tmp_path, reqs, uv, lock, full_pylock, wheel)
    (work / "page.py").write_text(page.script, encoding="utf-8")
    done = run([str(python), "page.py"], work, environment(home))
    assert done.returncode == 0, f"{url} failed as a script:\n{done.stderr[-4000:]}"

    # The page's notebook, in a fresh kernel, in the same environment plus Jupyter.
    notebook = page.html_path.parent / notebook_name(url)
    assert notebook.exists(), f"{url}: the page links {notebook.name}, not built"
    jupyter = [Requirement("ipykernel"), Requirement("nbclient")]
    subset = pylock_subset(
        full_pylock, lock.closure(jupyter), tmp_path / "pylock.jupyter.toml"
    )
    subprocess.run(
        [
            uv,
            "pip",
            "install",
            "--quiet",
            "--offline",
            "--python",
            str(python),
            "-r",
            str(subset),
        ],
        check=True,
    )
    cells = tmp_path / "cells"
    cells.mkdir()
    (cells / notebook.name).write_bytes(notebook.read_bytes())
    done = run(
        [
            str(python.parent / "jupyter-execute"),
            f"--timeout={RUN_TIMEOUT_S}",
            notebook.name,
        ],
        cells,
        environment(home),
    )
    assert done.returncode == 0, f"{url} failed as a notebook:\n{done.stderr[-4000:]}"


def test_every_page_source_is_found() -> None:
    """The URL list mirrors docs/: a refactor that finds no pages must fail."""
    assert len(URLS) > 40
    for url in URLS:
        assert source_of(url).exists(), url
    assert ROOT.joinpath("docs", "roles", "metrics.md").exists()
