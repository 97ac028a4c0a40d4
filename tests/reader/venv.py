"""Fresh virtual environments made as a reader makes them: only what a line names.

Each environment is new, but a worker makes them all at one path (the reader
tests' ``venv_place``) and keeps the bytecode Python compiles in one folder beside
it (``PYTHONPYCACHEPREFIX``). uv hard-links every file from its cache, so a module
has the same path, size and modification time in each environment, and the next
page imports pandas or MLflow without compiling them again, as on a reader's
machine after the first run. Python checks each cached file against its source, so
nothing stale is ever used.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.environ import unmeasured
from tools.lock import Lock, Requirement, pylock_subset
from tools.requirements import PROJECT

RUN_TIMEOUT_S = 600


LEFT_OUT = {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "PYTHONDONTWRITEBYTECODE"}


def environment(home: Path, bytecode: Path | None = None) -> dict[str, str]:
    """The process environment of a reader's shell: nothing from this clone.

    Args:
        home: The reader's home folder.
        bytecode: Where Python keeps the bytecode it compiles; None for beside
            each module, as by default.
    """
    env = {
        k: v
        for k, v in unmeasured().items()
        if k not in LEFT_OUT and not k.startswith(("PYTEST_", "UV_"))
    }
    if bytecode is not None:
        env["PYTHONPYCACHEPREFIX"] = str(bytecode)
    # No test reaches the network: MLflow's usage telemetry is switched off.
    return {**env, "HOME": str(home), "MLFLOW_DISABLE_TELEMETRY": "true"}


def make_venv(
    where: Path,
    reqs: list[Requirement],
    uv: str,
    lock: Lock,
    pylock: Path,
    wheel: Path | None = None,
) -> Path:
    """A new virtual environment with only ``reqs`` (and what they depend on).

    The guide's own package, when ``reqs`` names it, comes from ``wheel``.
    """
    venv = where / "venv"
    shutil.rmtree(venv, ignore_errors=True)  # the last page's: this one starts anew
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
        assert wheel is not None, f"{PROJECT} is asked for: pass its wheel"
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


def run_notebook(
    notebook: Path,
    python: Path,
    where: Path,
    uv: str,
    lock: Lock,
    pylock: Path,
    bytecode: Path | None = None,
) -> subprocess.CompletedProcess:
    """Add a Jupyter kernel to the venv, then run every cell in an empty folder."""
    jupyter = [Requirement("ipykernel"), Requirement("nbclient")]
    subset = pylock_subset(pylock, lock.closure(jupyter), where / "pylock.jupyter.toml")
    install = [uv, "pip", "install", "--quiet", "--offline", "--python", str(python)]
    subprocess.run([*install, "-r", str(subset)], check=True)
    cells, home = where / "cells", where / "kernel-home"
    cells.mkdir()
    home.mkdir()
    (cells / notebook.name).write_bytes(notebook.read_bytes())
    execute = str(python.parent / "jupyter-execute")
    return run(
        [execute, f"--timeout={RUN_TIMEOUT_S}", notebook.name],
        cells,
        environment(home, bytecode),
    )


@dataclass(frozen=True)
class Place:
    """Where one worker makes each page's environment, and what it makes it from."""

    root: Path
    uv: str
    lock: Lock
    pylock: Path
    wheel: Path

    @property
    def bytecode(self) -> Path:
        """The bytecode cache every environment made here shares."""
        return self.root / "bytecode"

    def venv(self, reqs: list[Requirement]) -> Path:
        """A new environment with only ``reqs``; its Python."""
        return make_venv(self.root, reqs, self.uv, self.lock, self.pylock, self.wheel)

    def notebook(
        self, notebook: Path, python: Path, where: Path
    ) -> subprocess.CompletedProcess:
        """Run ``notebook`` in a fresh kernel of ``python``'s environment."""
        return run_notebook(
            notebook, python, where, self.uv, self.lock, self.pylock, self.bytecode
        )
