"""No page promises what is not there: every part the guide names is written."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

import pytest

from tests.paths import DOCS, ROOT

UNFINISHED = re.compile(
    r"chapter in progress|will contain|coming soon|\bTODO\b|\bTBD\b", re.IGNORECASE
)


def test_no_page_says_a_part_is_unfinished() -> None:
    found = [
        f"{page.relative_to(DOCS)}:{number}: {line.strip()}"
        for page in sorted(DOCS.rglob("*.md"))
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1)
        if UNFINISHED.search(line)
    ]
    assert not found, "\n".join(found)


def test_the_check_finds_an_unfinished_line() -> None:
    assert UNFINISHED.search("See monitoring (chapter in progress).")
    assert not UNFINISHED.search("an Internet-Draft (work in progress)")


def test_the_testing_page_lists_every_test_file_of_the_reference_system() -> None:
    page = (DOCS / "production" / "testing.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `(test_\w+\.py)` \|", page, flags=re.MULTILINE))
    present = {path.name for path in (ROOT / "tests" / "churn").glob("test_*.py")}
    assert listed == present


# The capstone builds; the chapters explain. Each entry is a concept that once had a
# copy on a capstone page: the page links to the chapter and holds none of the copy.
POINTERS = [
    ("capstone/monitor.md", "../production/monitoring.md#the-four-layers", "| Layer |"),
    ("capstone/monitor.md", "../production/drift.md", "0.1 to 0.25"),
    ("capstone/monitor.md", "../production/drift.md", "false_alarm_rates("),
    (
        "capstone/tests.md",
        "../production/testing.md#what-the-reference-systems-tests-prove",
        "| Kind | What it catches |",
    ),
    ("capstone/tests.md", "../production/testing.md", "a senior customer"),
    (
        "capstone/ship.md",
        "../skills/containerization.md#the-image-step-by-step",
        "| Line | Why |",
    ),
]
# A capstone table whose rows mostly read like a chapter table's is a copy.
SIMILAR_ROW, COPIED_SHARE = 0.75, 0.5


def tables(markdown: str) -> list[list[str]]:
    """Each Markdown table's rows, header included, separator lines left out."""
    found: list[list[str]] = []
    rows: list[str] = []
    for line in [*markdown.splitlines(), ""]:
        if line.startswith("|"):
            if not re.fullmatch(r"[\s|:-]+", line):
                rows.append(line)
        elif rows:
            found.append(rows)
            rows = []
    return found


def copied_tables(page: str, chapter: str) -> list[str]:
    """The header of each table of ``page`` whose rows mostly match ``chapter``'s.

    A row matches when difflib's ratio to a chapter row is above ``SIMILAR_ROW``.
    """
    theirs = [row for table in tables(chapter) for row in table[1:]]
    copies = []
    for table in tables(page):
        body = table[1:]
        close = sum(
            any(
                SequenceMatcher(None, row, other).ratio() > SIMILAR_ROW
                for other in theirs
            )
            for row in body
        )
        if close >= 2 and close >= COPIED_SHARE * len(body):
            copies.append(table[0])
    return copies


@pytest.mark.parametrize(("page", "link", "copy"), POINTERS)
def test_a_capstone_page_links_to_the_chapter_instead_of_copying_it(
    page: str, link: str, copy: str
) -> None:
    text = (DOCS / page).read_text(encoding="utf-8")
    assert f"]({link})" in text, f"{page} does not link to {link}"
    assert copy not in text, f"{page} still holds the chapter's {copy!r}"


def test_no_capstone_table_copies_a_chapter_table() -> None:
    chapters = [
        path
        for part in ("production", "skills")
        for path in sorted((DOCS / part).glob("*.md"))
    ]
    found = [
        f"{page.relative_to(DOCS)} copies {chapter.relative_to(DOCS)}: {header}"
        for page in sorted((DOCS / "capstone").glob("*.md"))
        for chapter in chapters
        for header in copied_tables(
            page.read_text(encoding="utf-8"), chapter.read_text(encoding="utf-8")
        )
    ]
    assert not found, "\n".join(found)


def test_the_table_check_finds_a_reworded_copy() -> None:
    chapter = "| Layer | Question |\n|---|---|\n| Service health | Is it up? |\n" + (
        "| Data quality | Does the input meet its contract? |\n"
    )
    page = (
        "| Layer | The question |\n|---|---|\n| Service health | Is it up now? |\n"
        + ("| Data quality | Does input meet the contract? |\n")
    )
    assert copied_tables(page, chapter) == ["| Layer | The question |"]
    assert copied_tables("| A | B |\n|---|---|\n| x | y |\n| z | w |\n", chapter) == []


def test_the_service_page_reaches_for_its_levers_cheapest_first() -> None:
    # Share the fixed cost, then add processes, then a second artifact (issue 17).
    headings = [
        line
        for line in (DOCS / "capstone" / "service.md").read_text().splitlines()
        if line.startswith("## ")
    ]
    levers = [
        "## Where a request's time goes",
        "## Micro-batching",
        "## More processes, more replicas",
        "## Scoring through ONNX Runtime, proven at registration",
    ]
    assert [h for h in headings if h in levers] == levers
