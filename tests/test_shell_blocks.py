"""Every shell block on a page is run by a named test, or skipped with a true reason.

tests/test_docs.py runs Python; shell blocks (``bash``, ``console``, ``sh``) need a
test of their own, which the fence names, so a reader's commands are never shown
untested by accident:

- ``run-by="tests/<path>.py"``: that test runs the block's commands; it must exist
  and read this page (name its file);
- ``test="skip - <reason>"``: nothing here can run it (Docker, a cluster, the
  network); the reason is printed by every run and skips stay rare.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.paths import DOCS, ROOT

OPEN = re.compile(r"^\s*(?P<ticks>`{3,})(?P<info>[^`]*)$")
SHELL = re.compile(r"^(?:bash|console|sh|shell)\b(?P<options>.*)$")
RUN_BY = re.compile(r'run-by="(?P<path>[^"]+)"')
SKIP = re.compile(r'test="skip(?P<reason>[^"]*)"')


@dataclass(frozen=True)
class ShellBlock:
    """One shell fence: where it is and what its options say."""

    page: Path
    line: int
    options: str

    @property
    def id(self) -> str:
        """Page and line, e.g. ``docs/transition/roadmap.md:23``."""
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def shell_blocks() -> list[ShellBlock]:
    """Every shell fence of every page (install boxes are run by tests/reader/)."""
    blocks = []
    for page in sorted(DOCS.rglob("*.md")):
        if page.is_relative_to(DOCS / "includes"):
            continue
        fence = None  # the backticks of the fence we are in: nested fences are text
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            found = OPEN.match(line)
            if fence is None and found:
                fence = found["ticks"]
                shell = SHELL.match(found["info"].strip())
                if shell:
                    blocks.append(ShellBlock(page, number, shell["options"]))
            elif fence and line.strip() == fence:
                fence = None
    return blocks


BLOCKS = shell_blocks()


def block_run_by(page: Path, test: str) -> str:
    """The text of the ``bash`` block on ``page`` that names ``test`` as its runner."""
    text = page.read_text(encoding="utf-8")
    return text.split(f'```bash run-by="{test}"\n', 1)[1].split("\n```", 1)[0]


def problem(block: ShellBlock) -> str | None:
    """Why a block's marker does not hold, or None when it does."""
    run_by, skip = RUN_BY.search(block.options), SKIP.search(block.options)
    if run_by:
        test = ROOT / run_by["path"]
        if not test.is_file():
            return f"run-by names {run_by['path']}, which does not exist"
        if block.page.name not in test.read_text(encoding="utf-8"):
            return f"{run_by['path']} does not read {block.page.name}"
        return None
    if skip:
        return None if skip["reason"].strip(" -:") else 'test="skip" needs a reason'
    return 'no run-by="tests/..." and no test="skip - <reason>"'


@pytest.mark.parametrize("block", BLOCKS, ids=[b.id for b in BLOCKS])
def test_shell_block_is_run_or_skipped_for_a_reason(
    block: ShellBlock, record_property
) -> None:
    skip = SKIP.search(block.options)
    if skip:
        record_property("shell_skip", skip["reason"].strip(" -:"))
    assert problem(block) is None, f"{block.id}: {problem(block)}"


def test_shell_blocks_were_found() -> None:
    assert len(BLOCKS) > 10
    assert any(RUN_BY.search(b.options) for b in BLOCKS)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (' run-by="tests/transition/test_roadmap.py"', None),
        (' run-by="tests/nope.py"', "does not exist"),
        (' run-by="tests/test_docs.py"', "does not read"),
        (' test="skip - needs Docker"', None),
        (' test="skip"', "needs a reason"),
        ("", "no run-by"),
    ],
)
def test_markers_are_checked(options: str, expected: str | None) -> None:
    found = problem(ShellBlock(DOCS / "transition" / "roadmap.md", 1, options))
    assert found == expected or (expected and expected in found)
