"""Every Python example on a page or in a docstring is linted, run and checked.

A page reads as one script: its runnable Python blocks run in page order in one
namespace, so a later block uses what an earlier one defined, as a reader's copy
would. A block whose only lines are ``--8<--`` includes runs the included file
sections (its test at the mirrored path under tests/ proves the whole file); a
block fenced as ``{.python .excerpt title="..."}`` is part of a file, shown for
reading, and is not run here. Docstring examples each stand alone.

Fence options (read from the fence's first line):

- ``test="skip - <reason>"``: do not run this block; the reason is required and
  printed in the summary, so skipped code stays visible and rare.

``make update-examples`` (pytest ``--update-examples``) rewrites the ``#>`` output
lines under each ``print`` from a fresh run; nobody types them.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytest_examples import CodeExample, EvalExample, find_examples

from tests.paths import DOCS, ROOT, SNIPPETS

# Rules a page's code must pass on top of ruff's defaults. Docstring rules (D) do not
# apply to a ten-line example; they apply to snippets/ through pyproject.toml.
RUFF_SELECT = ["E", "F", "W", "I", "B", "UP", "SIM"]
RUFF_IGNORE = ["D"]


@dataclass(frozen=True)
class Unit:
    """One test: a single block, or the blocks of one group on one page, in order."""

    examples: tuple[CodeExample, ...]

    @property
    def id(self) -> str:
        """Page and line of the first block, e.g. ``docs/roles/metrics.md:52``."""
        first = self.examples[0]
        return f"{first.path.relative_to(ROOT)}:{first.start_line}"

    @property
    def skip_reason(self) -> str | None:
        """None to run; the reason to skip; "" for a skip that gives no reason."""
        test = self.examples[0].prefix_settings().get("test", "")
        if not test.startswith("skip"):
            return None
        return test.removeprefix("skip").strip(" -:") or ""


INCLUDE = re.compile(r'^--8<-- "(?P<path>[^":]+)(?::(?P<section>[\w-]+))?"$')
MARKER = re.compile(r"^\s*# --8<-- \[(start|end):[\w-]+\]\s*$")


def is_include(example: CodeExample) -> bool:
    """A block made only of ``--8<--`` lines."""
    lines = example.source.strip().splitlines()
    return bool(lines) and all(INCLUDE.match(line.strip()) for line in lines)


def is_excerpt(example: CodeExample) -> bool:
    """A block fenced as an excerpt of a file: shown for reading, never run alone."""
    return "excerpt" in example.prefix_tags()


def expand(example: CodeExample) -> str:
    """The code an include block shows, as pymdownx.snippets puts it on the page."""
    parts = []
    for line in example.source.strip().splitlines():
        match = INCLUDE.match(line.strip())
        assert match, line
        lines = (ROOT / match["path"]).read_text(encoding="utf-8").splitlines()
        if match["section"]:
            stripped = [line.strip() for line in lines]
            start = stripped.index(f"# --8<-- [start:{match['section']}]")
            end = stripped.index(f"# --8<-- [end:{match['section']}]")
            lines = lines[start + 1 : end]
        parts.append("\n".join(line for line in lines if not MARKER.match(line)))
    return "\n".join(parts) + "\n"


def collect_units() -> Iterator[Unit]:
    """A unit per page (its runnable blocks in order) and per docstring example."""
    pages: dict[Path, list[CodeExample]] = {}
    for example in find_examples(DOCS):
        if not is_excerpt(example):
            pages.setdefault(example.path, []).append(example)
    for examples in pages.values():
        yield Unit(tuple(examples))
    for example in find_examples(SNIPPETS):
        yield Unit((example,))


UNITS = list(collect_units())


@pytest.mark.parametrize("unit", UNITS, ids=[u.id for u in UNITS])
def test_example(
    unit: Unit, eval_example: EvalExample, record_property, tmp_path, monkeypatch
) -> None:
    record_property("blocks", len(unit.examples))
    # Run in an empty folder, as a reader does, so files a page writes stay out of
    # the clone; ruff runs from the root, where it knows `churn` is first-party.
    monkeypatch.chdir(tmp_path)
    reason = unit.skip_reason
    if reason == "":
        pytest.fail(
            f'{unit.id}: test="skip" needs a reason, e.g. test="skip - needs Docker"'
        )
    if reason is not None:
        record_property("skip_reason", reason)
        pytest.skip(reason)

    # Blocks of a page share names, so one may use what another imported or defined.
    shared = ["F401", "F811", "F821", "E402"] if len(unit.examples) > 1 else []
    eval_example.set_config(
        line_length=88,
        target_version="py311",
        ruff_select=RUFF_SELECT,
        ruff_ignore=RUFF_IGNORE + shared,
    )
    namespace: dict[str, object] | None = None
    for example in unit.examples:
        if Unit((example,)).skip_reason is not None:
            continue
        if is_include(example):  # ruff checks the file itself; run what it shows
            code = CodeExample.create(
                expand(example), path=example.path, start_line=example.start_line
            )
            namespace = eval_example.run(code, module_globals=namespace)
        elif eval_example.update_examples:
            with contextlib.chdir(ROOT):
                eval_example.format_ruff(example)
            namespace = eval_example.run_print_update(example, module_globals=namespace)
        else:
            with contextlib.chdir(ROOT):
                eval_example.lint_ruff(example)
            namespace = eval_example.run_print_check(example, module_globals=namespace)


def test_examples_were_found() -> None:
    """Guard against a refactor that makes the harness find nothing and pass."""
    assert any(u.examples[0].path.is_relative_to(DOCS) for u in UNITS)
    assert any(u.examples[0].path.is_relative_to(SNIPPETS) for u in UNITS)


@pytest.mark.parametrize(
    ("prefix", "reason"),
    [
        ("python", None),
        ('python test="skip - needs Docker"', "needs Docker"),
        ('python test="skip"', ""),
        ('python test="skip: no GPU here"', "no GPU here"),
    ],
)
def test_skip_reason_is_read_from_the_fence(prefix: str, reason: str | None) -> None:
    example = CodeExample.create("print(1)\n", prefix=prefix)
    assert Unit((example,)).skip_reason == reason
