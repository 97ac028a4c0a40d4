"""Each gap on the self-assessment page points to an exercise that checks itself.

A row's third column names the chapter that closes the gap and its fourth the
exercise: the chapter's own, or, for a chapter without one, another that exists.
The link's text is the name ``make exercise NAME=...`` takes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.paths import DOCS
from tools import exercises

PAGE = DOCS / "transition" / "self-assessment.md"
LINK = re.compile(r"\[(?P<text>[^\]]+)\]\((?P<href>[^)]+)\)")


def rows() -> list[list[str]]:
    """The cells of every level row in the page's tables."""
    text = PAGE.read_text(encoding="utf-8")
    # The tables of the areas: after the one that defines the four levels.
    lines = text.split("\n## Skill areas\n", 1)[1].splitlines()
    return [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in lines
        if line.startswith(("| Aware", "| Practised", "| Independent", "| Leading"))
    ]


def target(cell: str) -> tuple[str, Path, str]:
    """A cell's link: its text, the page it opens, and the anchor."""
    found = LINK.search(cell)
    assert found, f"no link in {cell!r}"
    path, _, anchor = found["href"].partition("#")
    return found["text"], (PAGE.parent / path).resolve(), anchor


ROWS = rows()


def test_every_row_has_a_chapter_and_an_exercise() -> None:
    assert len(ROWS) >= 40
    assert all(len(row) == 4 for row in ROWS), "a row without its exercise column"


@pytest.mark.parametrize("row", ROWS, ids=[f"{r[0]}: {r[1][:30]}" for r in ROWS])
def test_the_exercise_is_the_chapters_own_and_checks_itself(row: list[str]) -> None:
    _, chapter, _ = target(row[2])
    text, page, anchor = target(row[3])
    name = exercises.name_of(page)
    assert anchor == "exercise", f"{row[3]}: link to the page's #exercise section"
    assert text == f"`{name}`", f"{row[3]}: the link's text should be `{name}`"
    assert name in exercises.names(), f"{name}: no exercise checks this"
    own = exercises.name_of(chapter)
    if own in exercises.names():
        assert name == own, f"{row[2]} has its own exercise, {own}: point to it"
