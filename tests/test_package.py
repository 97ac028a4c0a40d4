"""The reference system installs like a real package, and nothing else comes with it.

The wheel and sdist are built offline with the locked hatchling (the same build
the test workflow runs); a fresh virtual environment gets the package's locked
dependencies from uv's cache, then the package, as a wheel and as an editable
install of this clone, and the reader's first command, ``churn --help``, runs
from an empty folder.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path

from tests.paths import ROOT
from tests.reader.venv import environment, make_venv, run
from tools.lock import Lock, Requirement
from tools.requirements import PROJECT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# The guide's page code: it must never reach a reader's environment.
PAGE_CODE = ["roles", "skills", "production", "transition"]


def wheel_metadata(wheel: Path) -> tuple[list[str], str, str]:
    """The wheel's file names, its METADATA and its entry_points.txt."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        info = next(n for n in names if n.endswith(".dist-info/METADATA"))
        points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        return names, archive.read(info).decode(), archive.read(points).decode()


def test_the_wheel_holds_churn_alone(wheel: Path) -> None:
    names, _, _ = wheel_metadata(wheel)
    tops = {name.split("/")[0] for name in names}
    assert tops == {"churn", "ds_to_mle_churn-0.1.0.dist-info"}
    assert "churn/cli.py" in names
    assert "churn/__main__.py" in names


def test_the_wheel_declares_what_pyproject_says(wheel: Path) -> None:
    _, metadata, points = wheel_metadata(wheel)
    message = Parser().parsestr(metadata)
    project = PYPROJECT["project"]
    assert message["Name"] == project["name"]
    assert message["Version"] == project["version"]
    requires = message.get_all("Requires-Dist")
    for dependency in project["dependencies"]:
        assert dependency in requires
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert message.get_all("Provides-Extra") == list(extras) == ["batch", "orchestrate"]
    assert "[console_scripts]\nchurn = churn.cli:main" in points


def test_the_sdist_holds_the_package_and_its_metadata(dist: Path) -> None:
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"pyproject.toml", "README.md", "LICENSE", "PKG-INFO"} <= names
    assert "snippets/churn/serve.py" in names
    for page_code in PAGE_CODE:
        assert not any(name.startswith(f"snippets/{page_code}/") for name in names)
    assert not any(name.startswith(("tests/", "docs/")) for name in names)


def probe(python: Path, where: Path) -> subprocess.CompletedProcess:
    """Where `churn` comes from, and whether the page-code names import."""
    code = (
        "import importlib.util, churn; print(churn.__file__); "
        f"print([n for n in {PAGE_CODE!r} if importlib.util.find_spec(n)])"
    )
    return run([str(python), "-c", code], where, environment(where))


def test_the_wheel_installs_and_its_command_runs(
    tmp_path: Path, uv: str, lock: Lock, full_pylock: Path, wheel: Path
) -> None:
    python = make_venv(tmp_path, [Requirement(PROJECT)], uv, lock, full_pylock, wheel)
    empty = tmp_path / "empty"
    empty.mkdir()
    done = run([str(python.parent / "churn"), "--help"], empty, environment(empty))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: churn ")
    found = probe(python, empty)
    location, names = found.stdout.splitlines()
    assert "site-packages" in location
    assert names == "[]"


def test_an_editable_install_maps_churn_and_nothing_else(
    tmp_path: Path, uv: str, lock: Lock, full_pylock: Path
) -> None:
    """`pip install -e .` of this clone, by pip, as the capstone tells a reader."""
    # Offline, pip cannot fetch the build backend or the dependencies, so the venv
    # gets them from the lock first; pip finds them there and installs churn alone.
    runtime = lock.project_dependencies()
    reqs = [Requirement("pip"), Requirement("hatchling"), Requirement("editables")]
    python = make_venv(tmp_path, [*reqs, *runtime], uv, lock, full_pylock)
    offline = ["--no-index", "--no-build-isolation", "--quiet"]
    pip = [str(python), "-m", "pip", "install", *offline, "-e", "."]
    done = run(pip, ROOT, environment(tmp_path))
    assert done.returncode == 0, done.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    done = run([str(python.parent / "churn"), "--help"], empty, environment(empty))
    assert done.returncode == 0, done.stderr
    location, names = probe(python, empty).stdout.splitlines()
    assert location == str(ROOT / "snippets" / "churn" / "__init__.py")
    assert names == "[]", f"page code importable after `pip install -e .`: {names}"


def test_python_m_churn_is_the_same_command(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "churn", "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.startswith("usage: churn ")


PACKAGE_PAGE = ROOT / "docs" / "capstone" / "package.md"


def page_commands() -> list[tuple[str, str]]:
    """(command, comment) for each line of the bash blocks of capstone/package.md."""
    text = PACKAGE_PAGE.read_text(encoding="utf-8")
    lines = []
    for block in re.findall(r"^```bash[^\n]*\n(.*?)^```", text, re.M | re.S):
        for line in block.splitlines():
            command, _, comment = line.partition("  #")
            lines.append((command.strip(), comment.strip()))
    return lines


def test_the_packaging_page_shows_these_commands() -> None:
    commands = [command for command, _ in page_commands()]
    assert commands[:2] == ["pip install -e .", "uv sync"]  # the editable test above
    assert "uv build" in commands  # the dist fixture: the same build, offline


def test_the_packaging_page_checks_give_what_it_says() -> None:
    """Its `import churn` / `import skills` lines, run in the clone's environment."""
    checks = [
        (c, why) for c, why in page_commands() if c.startswith(".venv/bin/python")
    ]
    assert len(checks) == 2
    for command, comment in checks:
        done = subprocess.run(
            command.replace(".venv/bin/python", sys.executable, 1),
            shell=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=environment(ROOT),
            check=False,
        )
        if comment == "ModuleNotFoundError":
            assert "ModuleNotFoundError" in done.stderr
        else:
            assert done.stdout.strip().endswith(comment.removeprefix("..."))


def test_the_packaging_page_names_the_files_the_build_writes(dist: Path) -> None:
    built = {path.name for path in dist.iterdir() if path.name != ".gitignore"}
    said = [why for command, why in page_commands() if command == "uv build"]
    assert "dist/ds_to_mle_churn-0.1.0-py3-none-any.whl and .tar.gz" in said
    assert built == {
        "ds_to_mle_churn-0.1.0-py3-none-any.whl",
        "ds_to_mle_churn-0.1.0.tar.gz",
    }
