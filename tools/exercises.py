"""Write each chapter's "Check your answer" box from a real run of its exercise.

An exercise lives in ``exercises/<part>/<chapter>/`` (the chapter's page is
``docs/<part>/<chapter>.md``, with hyphens for underscores): ``starter.*`` to edit,
``test_exercise.py`` with the checks, ``solution.*`` as one answer. ``python -m
tools.exercises`` (part of ``make update-examples``) runs the checks on every
starter and writes ``docs/includes/exercises/<part>/<chapter>.md``: links to the
three files, the command, and the report the reader gets before changing anything.
tests/exercises/ fails when a box no longer matches a fresh run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
EXERCISES = ROOT / "exercises"
BOXES = DOCS / "includes" / "exercises"
BLOB = "https://github.com/ds-to-mle/guide/blob/main/"
# The first line of the report the checks print (exercises/conftest.py).
HEADER = "Exercise "
# Its last line: "All 5 checks pass." or "2 of 5 checks pass. ..."
COUNT = re.compile(r"^(All \d+|\d+ of \d+) checks pass\.")


def names() -> list[str]:
    """Every exercise, as ``<part>/<chapter>``, e.g. ``skills/caching_and_batching``."""
    return sorted(
        test.parent.relative_to(EXERCISES).as_posix()
        for test in EXERCISES.glob("*/*/test_exercise.py")
    )


def page_of(name: str) -> Path:
    """The chapter page an exercise belongs to."""
    part, chapter = name.split("/")
    return DOCS / part / (chapter.replace("_", "-") + ".md")


def name_of(page: Path) -> str:
    """The exercise name of a chapter page: the inverse of ``page_of``."""
    return f"{page.parent.name}/{page.stem.replace('-', '_')}"


def box_of(name: str) -> Path:
    """Where an exercise's box is written."""
    return BOXES / f"{name}.md"


def include_line(name: str) -> str:
    """The line a chapter carries, under its exercise, to show the box."""
    return f'--8<-- "{box_of(name).relative_to(ROOT).as_posix()}"'


def command(name: str) -> str:
    """What the reader types to check their answer."""
    return f"make exercise NAME={name}"


def run_checks(*targets: str, solution: bool = False) -> str:
    """Run the checks of ``targets`` (paths in the repository; all exercises if none).

    The run's environment is this one without coverage: the checks run none of
    ``snippets/`` that the tests do not run already.

    Returns:
        The run's output: pytest's lines and each exercise's report.
    """
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("COVERAGE_", "COV_"))
    }
    args = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist"]
    done = subprocess.run(
        [*args, *(targets or ["exercises"]), *(["--solution"] if solution else [])],
        cwd=ROOT,
        env={**env, "PYTHONHASHSEED": "0", "MLFLOW_DISABLE_TELEMETRY": "true"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return done.stdout + done.stderr


def reports(output: str) -> dict[str, str]:
    """Each exercise's report in a run's output, by name, without pytest's own lines.

    A report runs from its header to its count of checks passed.
    """
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in output.splitlines():
        if line.startswith(HEADER) and ": checking " in line:
            current = found.setdefault(line.removeprefix(HEADER).split(":")[0], [])
        if current is not None:
            current.append(line)
            if COUNT.match(line):
                current = None
    return {name: "\n".join(lines) + "\n" for name, lines in found.items()}


def _link(name: str, stem: str) -> str:
    file = next((EXERCISES / name).glob(stem + ".*")).relative_to(ROOT).as_posix()
    return f"[`{file.rsplit('/', 1)[1]}`]({BLOB}{file})"


def box(name: str, report: str) -> str:
    """The admonition under a chapter's exercise: the files, the command, the report."""
    folder = f"exercises/{name}/"
    indented = "".join(f"    {ln}\n" if ln else "\n" for ln in report.splitlines())
    return (
        "<!-- Written by `python -m tools.exercises`; do not edit. -->\n"
        '!!! example check-your-answer "Check your answer"\n'
        "\n"
        f"    In your clone of the guide, edit {_link(name, 'starter')} in\n"
        f"    [`{folder}`]({BLOB.replace('/blob/', '/tree/')}{folder}) and run its\n"
        f"    checks, {_link(name, 'test_exercise')}:\n"
        "\n"
        "    ```bash\n"
        f"    {command(name)}\n"
        "    ```\n"
        "\n"
        "    Before you change anything, the starter gets this report. Each\n"
        "    `missing` line says what is still to do:\n"
        "\n"
        "    ```text\n"
        f"{indented}"
        "    ```\n"
        "\n"
        f"    Once every check passes, compare your answer with\n"
        f"    {_link(name, 'solution')}: one answer, not the only one.\n"
    )


def main(argv: list[str] | None = None) -> None:
    """Run the starters' checks and write their boxes: all, or the names given."""
    chosen = (sys.argv[1:] if argv is None else argv) or names()
    unknown = sorted(set(chosen) - set(names()))
    if unknown:
        raise SystemExit(f"no exercise {', '.join(unknown)}: see exercises/README.md")
    targets = ["exercises"] if chosen == names() else [f"exercises/{n}" for n in chosen]
    found = reports(run_checks(*targets))
    for name in chosen:
        if name not in found:
            raise SystemExit(f"{name}: its checks printed no report")
        box_of(name).parent.mkdir(parents=True, exist_ok=True)
        box_of(name).write_text(box(name, found[name]), encoding="utf-8")
        print(f"wrote {box_of(name).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
