"""Each exercise checks itself: its solution passes, its starter fails in words.

A chapter with an ``## Exercise`` section has ``exercises/<part>/<chapter>/`` (see
tools/exercises.py). The checks run twice for all exercises at once, once on the
starters as a reader first gets them and once on the solutions, as the reader's
command does (``pytest exercises/...``, which ``make exercise`` calls); each test
below reads one exercise's part of those runs. The page's box shows the starter's
report, and is compared with a fresh one, so it cannot go stale.
"""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from tests.environ import unmeasured
from tests.paths import DOCS, ROOT
from tools import exercises

NAMES = exercises.names()
CHAPTERS = sorted(
    page
    for page in DOCS.glob("*/*.md")
    if re.search(r"^## Exercise$", page.read_text(encoding="utf-8"), re.MULTILINE)
)
CHECK = re.compile(r"^  (done   |missing)  (?P<title>\S.*)$")


@pytest.fixture(scope="module")
def starters() -> dict[str, str]:
    """Each exercise's report on its starter."""
    return exercises.reports(exercises.run_checks())


@pytest.fixture(scope="module")
def solutions() -> dict[str, str]:
    """Each exercise's report on its reference solution."""
    return exercises.reports(exercises.run_checks(solution=True))


def checks(report: str) -> list[tuple[str, list[str]]]:
    """A report's checks: each line naming one, with the reason lines under it."""
    found: list[tuple[str, list[str]]] = []
    for line in report.splitlines():
        if CHECK.match(line):
            found.append((line, []))
        elif found and line.startswith(" " * 11) and line.strip():
            found[-1][1].append(line.strip())
    return found


def test_every_chapter_exercise_has_checks() -> None:
    chapters = {exercises.name_of(page) for page in CHAPTERS}
    assert sorted(chapters - set(NAMES)) == [], "chapters whose exercise has no checks"
    assert sorted(set(NAMES) - chapters) == [], "checks for no chapter's exercise"


@pytest.mark.parametrize("name", NAMES)
def test_the_solution_passes_every_check(name: str, solutions: dict[str, str]) -> None:
    report = solutions.get(name, "")
    found = checks(report)
    assert found, f"{name}: the solution's run printed no report:\n{report}"
    missing = [line for line, _ in found if "missing" in line[:11]]
    assert missing == [], f"{name}: the solution fails:\n{report}"
    assert f"All {len(found)} checks pass." in report


@pytest.mark.parametrize("name", NAMES)
def test_the_starter_fails_with_a_reason_for_each_miss(
    name: str, starters: dict[str, str]
) -> None:
    report = starters.get(name, "")
    found = checks(report)
    missing = [(line, why) for line, why in found if "missing" in line[:11]]
    assert missing, f"{name}: the starter already passes every check:\n{report}"
    for line, why in missing:
        assert why, f"{name}: no reason under {line.strip()!r}"
        assert "a bug in the check" not in why[0], f"{name}: {line.strip()} says no why"
    assert "Traceback" not in report
    assert "\nE  " not in report


@pytest.mark.parametrize("name", NAMES)
def test_the_page_shows_the_box_of_a_fresh_run(
    name: str, starters: dict[str, str]
) -> None:
    box = exercises.box_of(name)
    assert box.is_file(), f"no {box.relative_to(ROOT)}: run `make update-examples`"
    assert box.read_text(encoding="utf-8") == exercises.box(name, starters[name]), (
        f"{box.relative_to(ROOT)} differs from a fresh run of the starter's checks: "
        "run `make update-examples` if the change is intended"
    )
    page = exercises.page_of(name).read_text(encoding="utf-8")
    exercise = page.split("\n## Exercise\n", 1)[1].split("\n## ", 1)[0]
    assert exercises.include_line(name) in exercise, f"{name}: the page has no box"


def test_the_command_on_the_page_is_the_readers_command(
    starters: dict[str, str],
) -> None:
    """``make exercise NAME=...`` prints the same report as the run the boxes show."""
    name = NAMES[0]
    env = {
        k: v
        for k, v in unmeasured().items()
        if not k.startswith(("MAKE", "MFLAGS"))  # a fresh make, not this one's child
    }
    done = subprocess.run(
        [*exercises.command(name).split(), "--no-print-directory", "-s"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # pytest exits 1 when a check fails, and make, whose recipe failed, exits 2.
    assert done.returncode == 2, done.stdout + done.stderr
    assert exercises.reports(done.stdout)[name] == starters[name]


def test_an_unknown_exercise_gets_one_line_and_exit_code_2() -> None:
    env = {
        k: v for k, v in unmeasured().items() if not k.startswith(("MAKE", "MFLAGS"))
    }
    done = subprocess.run(
        ["make", "--no-print-directory", "-s", "exercise", "NAME=skills/nope"],
        cwd=ROOT,
        env={**env, "PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 2
    assert "no exercise skills/nope" in done.stdout + done.stderr
