"""What uv.lock pins, and the part of it that a set of requirements needs.

A page's install line names a few packages; their environment holds those packages
and everything they depend on, at the versions in uv.lock. This module walks the
lock's dependency graph for the running interpreter and writes that part of the
lock as a pylock.toml (PEP 751) file, which ``uv pip install --offline`` installs
from uv's cache without resolving anything.
"""

from __future__ import annotations

import subprocess
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from packaging.markers import Marker
from packaging.utils import canonicalize_name

Key = tuple[str, str]  # (normalised name, version)


@dataclass(frozen=True)
class Requirement:
    """A package by name, with the extras a page needs from it."""

    name: str
    extras: tuple[str, ...] = ()


class Lock:
    """The packages of one uv.lock, looked up by name for this interpreter."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._data = tomllib.loads(path.read_text(encoding="utf-8"))

    @cached_property
    def _packages(self) -> dict[Key, dict]:
        return {
            (canonicalize_name(p["name"]), p["version"]): p
            for p in self._data["package"]
            if "version" in p
        }

    def version(self, name: str) -> str:
        """The version the lock pins for ``name`` on this interpreter.

        Raises:
            KeyError: If the lock has no such package.
        """
        return self._resolve({"name": name})[1]

    def project(self) -> dict:
        """The lock's entry for the project itself (editable, at the lock's folder)."""
        (entry,) = (
            p for p in self._data["package"] if p["source"].get("editable") == "."
        )
        return entry

    def project_dependencies(self) -> list[Requirement]:
        """The project's run-time dependencies here: what pip installs beside it."""
        return [
            Requirement(d["name"], tuple(d.get("extra", ())))
            for d in _applies(self.project())
        ]

    def closure(self, requirements: Iterable[Requirement]) -> set[Key]:
        """Every locked package the requirements need here, themselves included."""
        seen: set[Key] = set()
        todo = [({"name": r.name}, r.extras) for r in requirements]
        while todo:
            dependency, extras = todo.pop()
            key = self._resolve(dependency)
            entry = self._packages.get(key) or self.project()
            if key not in seen:
                seen.add(key)
                todo += [(d, tuple(d.get("extra", ()))) for d in _applies(entry)]
            for extra in extras:
                optional = entry.get("optional-dependencies", {}).get(extra, [])
                todo += [(d, tuple(d.get("extra", ()))) for d in _holds(optional)]
        return seen

    def _resolve(self, dependency: dict) -> Key:
        name = canonicalize_name(dependency["name"])
        if name == canonicalize_name(self.project()["name"]):
            return name, self.project()["version"]
        if "version" in dependency:
            return name, dependency["version"]
        versions = [key for key in self._packages if key[0] == name]
        if len(versions) > 1:  # one per Python range: keep the one for this one
            versions = [key for key in versions if _for_here(self._packages[key])]
        if len(versions) != 1:
            raise KeyError(f"{name}: {len(versions)} versions in {self.path.name}")
        return versions[0]


def _applies(entry: dict) -> list[dict]:
    return _holds(entry.get("dependencies", []))


def _holds(dependencies: list[dict]) -> list[dict]:
    """The dependencies whose environment marker holds for this interpreter."""
    return [
        d for d in dependencies if "marker" not in d or Marker(d["marker"]).evaluate()
    ]


def _for_here(entry: dict) -> bool:
    markers = entry.get("resolution-markers", [])
    return not markers or any(Marker(m).evaluate() for m in markers)


def export_pylock(project: Path, uv: str, out: Path) -> Path:
    """Write every locked package (the project left out) as one pylock.toml."""
    subprocess.run(
        [
            uv,
            "export",
            "--frozen",
            "--quiet",
            "--format",
            "pylock.toml",
            "--all-groups",
            "--all-extras",
            "--no-emit-project",
            "-o",
            str(out),
        ],
        cwd=project,
        check=True,
    )
    return out


def pylock_subset(full: Path, keep: set[Key], out: Path) -> Path:
    """Copy the ``[[packages]]`` entries of ``full`` whose key is in ``keep``.

    A local directory (the site's Markdown extensions) has no version in a pylock,
    and is never one a reader installs, so it is never kept.
    """
    text = full.read_text(encoding="utf-8")
    head, *entries = text.split("\n[[packages]]\n")
    kept = []
    for entry in entries:
        parsed = tomllib.loads(entry)
        if (canonicalize_name(parsed["name"]), parsed.get("version")) in keep:
            kept.append(entry)
    out.write_text("\n[[packages]]\n".join([head, *kept]), encoding="utf-8")
    return out
