"""From the code a page runs to the one command that installs what it imports.

The install line is derived, never typed: the top-level names the code imports
are mapped to the distributions that provide them, and each is pinned to the
version in uv.lock. The guide's own reference system, `churn`, is not on PyPI;
it installs from a clone of the guide, so its requirement is the clone's folder.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Collection, Iterable
from functools import cache
from importlib.metadata import packages_distributions

from packaging.utils import canonicalize_name

from tools.lock import Lock, Requirement

PROJECT = "ds-to-mle-churn"
CLONE = "./guide"  # where the page tells the reader to clone the guide
CLONE_COMMAND = "git clone https://github.com/ds-to-mle/guide"

# Imports that need an extra of the distribution that provides them.
EXTRAS = {
    "dask.dataframe": ("dask", "dataframe"),
    "dask.distributed": ("dask", "distributed"),
    "churn.batch": (PROJECT, "batch"),
    "churn.orchestrate": (PROJECT, "orchestrate"),
}


# Imports that work only with a package their distribution does not declare:
# Starlette's test client sends its requests with httpx2 from Starlette 1.10 on.
UNDECLARED = {
    "fastapi.testclient": "httpx2",
    "starlette.testclient": "httpx2",
}


class UnknownImport(LookupError):
    """Code imports a name that no locked distribution provides."""


def imported_modules(code: str) -> set[str]:
    """Every module the code imports, by its full dotted name."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def requirements(
    code: str, lock: Lock, local: Collection[str] = ()
) -> list[Requirement]:
    """The distributions (with extras) that the code's imports need, sorted.

    Args:
        code: Python source.
        lock: Where each distribution's version comes from.
        local: Top-level names of the guide's own code to leave out, e.g. ``tests``
            in a test file a page shows an excerpt of.

    Raises:
        UnknownImport: If an import is neither standard library, local nor locked.
    """
    providers = _providers()
    extras: dict[str, set[str]] = {}
    for module in imported_modules(code):
        top = module.partition(".")[0]
        if top in sys.stdlib_module_names or top == "__future__" or top in local:
            continue
        name = PROJECT if top == "churn" else _locked_provider(top, providers, lock)
        if name is None:
            raise UnknownImport(f"import {top}: no package in uv.lock provides it")
        extras.setdefault(name, set())
        for prefix, (package, extra) in EXTRAS.items():
            if (module + ".").startswith(prefix + "."):
                extras.setdefault(package, set()).add(extra)
        for prefix, package in UNDECLARED.items():
            if (module + ".").startswith(prefix + "."):
                extras.setdefault(package, set())
    return [Requirement(n, tuple(sorted(e))) for n, e in sorted(extras.items())]


@cache
def _providers() -> dict[str, list[str]]:
    """Which distributions provide each top-level module: slow to read, read once."""
    return packages_distributions()


def _locked_provider(
    top: str, providers: dict[str, list[str]], lock: Lock
) -> str | None:
    """The locked distribution that provides a top-level module, or None.

    Several can install one module (``mlflow``: mlflow-skinny, mlflow-tracing and
    mlflow), listed in whatever order the environment keeps them. The one the
    churn package depends on wins, else the first by name: every machine agrees.
    """
    locked = sorted(
        {canonicalize_name(n) for n in providers.get(top, []) if _in_lock(n, lock)}
    )
    if not locked:
        return None
    declared = {canonicalize_name(r.name) for r in lock.project_dependencies()}
    return next((name for name in locked if name in declared), locked[0])


def _in_lock(name: str, lock: Lock) -> bool:
    try:
        lock.version(name)
    except KeyError:
        return False
    return True


def install_command(reqs: Iterable[Requirement], lock: Lock) -> str:
    """One ``pip install`` with every requirement pinned to its locked version."""
    words = []
    for req in reqs:
        extras = f"[{','.join(req.extras)}]" if req.extras else ""
        if req.name == PROJECT:
            words.append(f'"{CLONE}{extras}"')
        else:
            words.append(f'"{req.name}{extras}=={lock.version(req.name)}"')
    return "pip install " + " ".join(words)
