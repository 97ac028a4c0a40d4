"""No page promises what is not there: every part the guide names is written."""

from __future__ import annotations

import re

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
