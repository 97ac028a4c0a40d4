"""Build the site the way `make build` does, into a folder of the caller's choice."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.environ import unmeasured
from tests.paths import ROOT

# What a build reads besides docs/: the config, theme overrides, included files.
SOURCES = [
    "mkdocs.yml",
    "pagefind.yml",
    "docs",
    "snippets",
    "overrides",
    "CONTRIBUTING.md",
    "package.json",
    "Dockerfile",
    "Makefile",
    ".dockerignore",
    "deploy",
    ".github",
    "tests",
    "tools",
    "extensions",
    "pyproject.toml",
    "uv.lock",
    "README.md",
    "LICENSE",
]


@dataclass(frozen=True)
class Build:
    """The result of one `mkdocs build --strict`."""

    returncode: int
    log: str
    site: Path

    @property
    def warnings(self) -> list[str]:
        """Log lines at WARNING level or above."""
        return [
            line
            for line in self.log.splitlines()
            if line.startswith(("WARNING", "ERROR"))
        ]


def build(project: Path, site: Path, env: dict[str, str] | None = None) -> Build:
    """Run a strict build of ``project`` into ``site``, write its page notebooks.

    ``env`` adds to the environment, e.g. what the Pages workflow sets.
    """
    python = [sys.executable, "-m"]
    # The `mkdocs` command itself, as a reader types it: `python -m mkdocs` would
    # put the project folder on sys.path and hide an extension it cannot import.
    mkdocs = str(Path(sys.executable).with_name("mkdocs"))
    steps = [
        [mkdocs, "build", "--strict", "--site-dir", str(site)],
        [*python, "tools.notebook_css", str(site)],  # one trimmed notebook stylesheet
        [*python, "tools.print_page", str(site)],  # the print page's footnote links
        [*python, "pagefind", "--site", str(site), "--quiet"],  # the search index
        [*python, "tools.notebooks", str(site)],  # as `make build` does, after it
    ]
    # The build runs none of snippets/ (a measured build covered 0 of its lines), so
    # coverage is not started in it: measuring it cost each build about 60% more.
    base = unmeasured()
    log = ""
    for step in steps:
        done = subprocess.run(
            step,
            cwd=project,
            env={**base, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        log += done.stdout + done.stderr
        if done.returncode != 0:
            break
    return Build(done.returncode, log, site)


def copy_project(dest: Path) -> Path:
    """Copy what a build reads into ``dest``, so a test can break it safely."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, dest / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(source, dest / name)
    return dest
