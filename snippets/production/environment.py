"""Record the environment a model was trained in, to log with its training run.

A trained model is a function of four things: code, data, settings, and the software
that ran them. Git names the code, a content hash names the data and the config
object holds the settings. This module captures the fourth: the interpreter, the
platform, the threads, the versions of the packages that matter, the lock file they
were installed from and the commit of the code, as tags for the run.
"""

from __future__ import annotations

# --8<-- [start:imports]
import hashlib
import os
import platform
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from threadpoolctl import threadpool_info

# --8<-- [end:imports]


# --8<-- [start:environment]
UNKNOWN = "unknown"  # the tag value for a fact that could not be found


@dataclass(frozen=True)
class Environment:
    """What ran a training job, beyond its code, data and settings.

    Attributes:
        python: The interpreter's version, e.g. ``3.11.9``.
        platform: Operating system and architecture, as `platform.platform` names
            them.
        cpu_count: Logical CPUs the machine reports.
        openmp_threads: Threads the loaded OpenMP runtime may use (scikit-learn's
            gradient boosting uses it), or None if no OpenMP runtime is loaded.
        packages: Each requested package and its installed version, None if it
            is not installed.
        lock_sha256: SHA-256 of the lock file, or None if none was given.
        git_commit: The commit checked out, or None outside a git work tree or
            without git.
        git_dirty: Whether tracked files have uncommitted changes; None when
            there is no commit.
    """

    python: str
    platform: str
    cpu_count: int | None
    openmp_threads: int | None
    packages: dict[str, str | None] = field(default_factory=dict)
    lock_sha256: str | None = None
    git_commit: str | None = None
    git_dirty: bool | None = None

    def to_tags(self) -> dict[str, str]:
        """Flatten to string tags for MLflow: ``env.python``, ``env.pandas``, ...

        Package tags are named ``env.<package>``, as `churn.registry` names them,
        and a fact that could not be found is ``unknown``, so every run has the same
        keys and two runs can be compared key by key.
        """
        facts = {
            "python": self.python,
            "platform": self.platform,
            "cpu_count": self.cpu_count,
            "openmp_threads": self.openmp_threads,
            "lock_sha256": self.lock_sha256,
            "git_commit": self.git_commit,
            "git_dirty": None if self.git_dirty is None else str(self.git_dirty),
        } | dict(self.packages)
        return {
            f"env.{key}": UNKNOWN if value is None else str(value)
            for key, value in facts.items()
        }


def capture(
    packages: Iterable[str],
    *,
    lock_file: str | Path | None = None,
    repo: str | Path = ".",
) -> Environment:
    """Describe the running environment.

    Args:
        packages: Distribution names whose versions to record, e.g.
            ``["scikit-learn", "pandas"]``.
        lock_file: The lock file the environment was built from (``uv.lock``);
            its hash names the exact set of pinned versions.
        repo: A folder inside the git work tree of the training code.

    Returns:
        The environment. Facts that cannot be found (no git, no OpenMP runtime,
        a package that is not installed) are None rather than errors.

    Raises:
        FileNotFoundError: If a lock file is named but does not exist.
    """
    lock_sha256 = None
    if lock_file is not None:
        lock_sha256 = hashlib.sha256(Path(lock_file).read_bytes()).hexdigest()
    commit, dirty = git_state(repo)
    return Environment(
        python=platform.python_version(),
        platform=platform.platform(),
        cpu_count=os.cpu_count(),
        openmp_threads=_openmp_threads(),
        packages={name: _version(name) for name in packages},
        lock_sha256=lock_sha256,
        git_commit=commit,
        git_dirty=dirty,
    )


# --8<-- [end:environment]


# --8<-- [start:helpers]
def _version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def _openmp_threads() -> int | None:
    """The largest thread count of any loaded OpenMP runtime, None if none is."""
    libraries = threadpool_info()
    counts = [lib["num_threads"] for lib in libraries if lib["user_api"] == "openmp"]
    return max(counts, default=None)


# --8<-- [end:helpers]


# --8<-- [start:git]
def git_state(repo: str | Path = ".") -> tuple[str | None, bool | None]:
    """Return the commit checked out in ``repo`` and whether tracked files changed.

    A model trained from uncommitted code cannot be traced back to its code, so the
    dirty flag matters as much as the commit. Untracked files are ignored.

    Returns:
        ``(commit, dirty)``, or ``(None, None)`` if git is not installed, ``repo``
        is not in a work tree, or the repository has no commit yet.
    """
    try:
        commit = _git(repo, "rev-parse", "HEAD")
        changes = _git(repo, "status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return None, None
    return commit, bool(changes)


def _git(repo: str | Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
        timeout=10,
    )
    return result.stdout.strip()


# --8<-- [end:git]
