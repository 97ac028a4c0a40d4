"""The lock's versions for this interpreter, and the part of it a page needs."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement as Parsed

from tests.paths import ROOT
from tools.lock import Lock, Requirement, pylock_subset

LOCK = Lock(ROOT / "uv.lock")


def test_a_version_is_the_locked_one() -> None:
    entries = tomllib.loads((ROOT / "uv.lock").read_text())["package"]
    (pandas,) = [p["version"] for p in entries if p["name"] == "pandas"]
    assert LOCK.version("pandas") == pandas


def test_one_of_several_versions_is_chosen_by_this_python() -> None:
    # numpy is locked once per Python range; exactly one applies here.
    assert LOCK.version("numpy")


def test_an_unlocked_package_is_refused() -> None:
    with pytest.raises(KeyError, match="not-in-the-lock"):
        LOCK.version("not-in-the-lock")


def test_the_closure_holds_dependencies_and_extras() -> None:
    plain = {name for name, _ in LOCK.closure([Requirement("dask")])}
    assert {"dask", "toolz", "cloudpickle"} <= plain
    assert "pandas" not in plain
    dataframe = {n for n, _ in LOCK.closure([Requirement("dask", ("dataframe",))])}
    assert {"pandas", "pyarrow"} <= dataframe


def test_the_project_needs_its_run_time_dependencies_only() -> None:
    names = {name for name, _ in LOCK.closure([Requirement("ds-to-mle-churn")])}
    assert {"ds-to-mle-churn", "fastapi", "mlflow-skinny", "scikit-learn"} <= names
    assert not names & {"dask", "mkdocs", "pytest"}


def test_the_project_dependencies_are_what_pyproject_declares() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {r.name for r in LOCK.project_dependencies()}
    assert names == {Parsed(d).name for d in declared["dependencies"]}


def test_a_pylock_subset_keeps_only_the_named_packages(tmp_path: Path) -> None:
    full = tmp_path / "pylock.toml"
    full.write_text(
        'lock-version = "1.0"\n\n[[packages]]\nname = "a"\nversion = "1"\n'
        '\n[[packages]]\nname = "b"\nversion = "2"\n'
        '\n[[packages]]\nname = "local"\ndirectory = { path = "extensions" }\n'
    )
    out = pylock_subset(full, {("b", "2")}, tmp_path / "pylock.sub.toml")
    assert [p["name"] for p in tomllib.loads(out.read_text())["packages"]] == ["b"]
