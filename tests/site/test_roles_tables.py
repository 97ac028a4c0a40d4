"""The role-comparison tables are well formed, accessible and found by the search."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from tests.paths import DOCS
from tests.site.build import Build

ROLE_PAGES = sorted(p.stem for p in (DOCS / "roles").glob("*.md"))


class _Tables(HTMLParser):
    """Collect each table as a list of rows, each row a list of (tag, text) cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[tuple[str, str]]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in {"td", "th"}:
            self._cell = []
            self.tables[-1][-1].append((tag, ""))

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"td", "th"} and self._cell is not None:
            kind, _ = self.tables[-1][-1][-1]
            self.tables[-1][-1][-1] = (kind, "".join(self._cell).strip())
            self._cell = None


def tables_of(built_site: Build, page: str) -> list[list[list[tuple[str, str]]]]:
    path = "index.html" if page == "index" else f"{page}/index.html"
    parser = _Tables()
    parser.feed((built_site.site / "roles" / path).read_text(encoding="utf-8"))
    return parser.tables


def test_role_pages_were_found() -> None:
    assert {"index", "at-a-glance", "ownership", "metrics"} <= set(ROLE_PAGES)


@pytest.mark.parametrize("page", ROLE_PAGES)
def test_every_table_is_well_formed(built_site: Build, page: str) -> None:
    for number, table in enumerate(tables_of(built_site, page), start=1):
        header, *rows = table
        where = f"roles/{page}, table {number}"
        assert rows, f"{where} has no rows"
        # A header row of <th> cells is what a screen reader announces per column.
        assert all(kind == "th" for kind, _ in header), f"{where}: header is not <th>"
        for row in rows:
            assert len(row) == len(header), (
                f"{where}: row {row[0][1]!r} has wrong width"
            )
            empty = [i for i, (_, text) in enumerate(row) if not text]
            assert not empty, f"{where}: row {row[0][1]!r} has empty cells {empty}"
        assert all(text for _, text in header), f"{where}: empty header cell"


def test_ownership_matrix_has_exactly_one_accountable_per_stage(
    built_site: Build,
) -> None:
    matrices = [t for t in tables_of(built_site, "ownership") if len(t[0]) >= 5]
    assert matrices, "no responsibility matrix on the ownership page"
    for row in matrices[0][1:]:
        letters = [re.findall(r"\bA\b", text) for _, text in row[1:]]
        assert sum(len(found) for found in letters) == 1, row[0][1]


@pytest.mark.parametrize(
    ("page", "weight"),
    [
        ("roles/ownership", ' data-pagefind-weight="2"'),
        ("skills/api-development", ">"),
        ("reference/churn/serve", ' data-pagefind-weight="0.4"'),
    ],
)
def test_search_weighs_roles_up_and_reference_down(
    built_site: Build, page: str, weight: str
) -> None:
    html = (built_site.site / page / "index.html").read_text(encoding="utf-8")
    assert html.count("<div data-pagefind-body") == 1
    assert f"<div data-pagefind-body{weight}" in html


def test_the_search_index_is_built_with_the_site(built_site: Build) -> None:
    entry = json.loads(
        (built_site.site / "pagefind" / "pagefind-entry.json").read_text()
    )
    assert entry["languages"]["en"]["page_count"] >= len(ROLE_PAGES)
    assert list((built_site.site / "pagefind" / "fragment").iterdir())
    assert not (built_site.site / "search" / "search_index.json").exists()


def test_ownership_matrix_spells_out_every_letter(built_site: Build) -> None:
    """A reader searches for "accountable", not "A": each cell carries both."""
    words = {"R": "responsible", "A": "accountable", "C": "consulted", "I": "informed"}
    matrix = next(t for t in tables_of(built_site, "ownership") if len(t[0]) >= 5)
    for row in matrix[1:]:
        for _, text in row[1:]:
            letters, _, spelled = text.partition(": ")
            expected = ", ".join(words[letter] for letter in letters.split(", "))
            assert spelled == expected, f"{row[0][1]}: {text!r}"
