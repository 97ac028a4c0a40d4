"""The search box finds what the role tables say, and lands on the row that says it.

Search is Pagefind's, in Material's dialog (docs/assets/javascripts/search.js). A
reader's query should bring the right page into the first three results, linked at
the part of the page that answers it: a table row when one does.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Page, expect

from tests.browser.conftest import OpenContext
from tests.paths import DOCS
from tests.site.build import Build

# What readers type, and where the first three results must take them: a page, or a
# page and the row or section that answers.
QUERIES = {
    "on-call": "roles/at-a-glance/#row-",
    "who is accountable for retraining": "roles/ownership/#row-retraining",
    "deployment frequency": "roles/metrics/#row-delivery",
    "who owns the model after deployment": "roles/ownership/",
    "RACI": "roles/ownership/#the-four-letters",
    "judged by": "roles/metrics/",
    "company size": "roles/at-a-glance/#how-company-size-changes-the-balance",
}
TOP = 3
# Words a chapter explains and a reference page also lists.
CHAPTER_FIRST = ["idempotency key", "rate limit", "micro-batching"]


def search(page: Page, query: str) -> None:
    """Type ``query`` into the header's search box and wait for its own results."""
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    expect(page.locator("[data-guide-search-list]")).to_have_attribute(
        "data-query", query
    )


def result_links(page: Page, top: int = TOP) -> list[str]:
    """The links of the first ``top`` results (pages), each page's links in order."""
    return page.locator("[data-guide-search-list] > li").evaluate_all(
        f"items => items.slice(0, {top}).flatMap("
        "li => [...li.querySelectorAll('a')].map(a => a.href))"
    )


@pytest.fixture
def home(open_context: OpenContext, site_url: str) -> Page:
    context, _ = open_context()
    page = context.new_page()
    page.goto(site_url)
    return page


@pytest.mark.parametrize("query", QUERIES)
def test_a_reader_query_lands_in_the_top_three(
    home: Page, site_url: str, query: str
) -> None:
    search(home, query)
    wanted = site_url + QUERIES[query]
    links = result_links(home)
    assert any(link.startswith(wanted) for link in links), links


# Words search.js does not count when it picks where on a page to land, read from
# search.js itself; a reader's query is made of the others.
SEARCH_JS = (DOCS / "assets" / "javascripts" / "search.js").read_text(encoding="utf-8")
_COMMON = re.search(r"var COMMON = new Set\(\((.*?)\)\.split", SEARCH_JS, re.S)
assert _COMMON, "search.js no longer defines COMMON: update this test"
COMMON = set("".join(re.findall(r'"([^"]*)"', _COMMON[1])).split())
# A row is found when a link to it is among the first five results' links: the
# queries below are built mechanically from the row, so looser than a reader's.
ROW_TOP = 5


def row_query(cells: list[str]) -> str:
    """What a reader comparing would type to find a row.

    The row's name and the first three telling words of what it says; for the
    ownership matrix, whose cells are the four RACI words, "who is accountable for"
    the stage. No one-letter words: nobody types "R".
    """
    if all(re.match(r"[RACI](, A)?: ", cell) for cell in cells[1:]):
        return f"who is accountable for {cells[0]}"
    said = re.sub(r"[^\w\s-]", " ", cells[1]).split()
    words = cells[0].split() + [w for w in said if w.lower() not in COMMON][:3]
    return " ".join(
        w for w in re.sub(r"[^\w\s-]", " ", " ".join(words)).split() if len(w) > 1
    )


def roles_rows(site: Path) -> list[tuple[str, str, str]]:
    """(page, row id, query) for each row of each table in the roles part."""
    rows = []
    for html in sorted((site / "roles").rglob("index.html")):
        page = html.parent.relative_to(site).as_posix() + "/"
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        for row in soup.select("article table tbody tr[id]"):
            cells = [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
            rows.append((page, row["id"], row_query(cells)))
    return rows


def test_every_roles_table_row_is_found_and_linked(
    home: Page, site_url: str, built_site: Build
) -> None:
    rows = roles_rows(built_site.site)
    assert len(rows) > 50
    missed = []
    for page, row, query in rows:
        search(home, query)
        if f"{site_url}{page}#{row}" not in result_links(home, top=ROW_TOP):
            missed.append(f"{query!r} -> {page}#{row}")
    assert missed == []


def test_a_row_query_is_what_a_reader_would_type() -> None:
    assert (
        row_query(["CI/CD", "A pipeline that tests, gates"])
        == "CI CD pipeline tests gates"
    )
    assert row_query(["R, responsible", "Does the work"]) == "responsible work"
    matrix = ["Retraining", "R: responsible", "R, A: responsible, accountable"]
    assert row_query(matrix) == "who is accountable for Retraining"


def test_a_result_opens_its_row_and_marks_it(home: Page, site_url: str) -> None:
    search(home, "who is accountable for retraining")
    home.locator("[data-guide-search-list] a[href$='#row-retraining']").first.click()
    expect(home).to_have_url(site_url + "roles/ownership/#row-retraining")
    row = home.locator("#row-retraining")
    expect(row).to_be_in_viewport()
    expect(row).to_have_class("is-target")
    expect(home.locator("#__search")).not_to_be_checked()


@pytest.mark.parametrize("query", CHAPTER_FIRST)
def test_a_chapter_ranks_above_the_reference(home: Page, query: str) -> None:
    search(home, query)
    first = result_links(home, top=1)[0]
    assert "/reference/" not in first, first


def test_search_without_hits_shows_the_empty_state(home: Page) -> None:
    search(home, "zqxjvkw")
    expect(home.locator(".md-search-result__meta")).to_have_text(
        "No matching documents"
    )
    expect(home.locator(".md-search-result__item")).to_have_count(0)


def test_the_index_loads_only_when_the_reader_searches(
    open_context: OpenContext, site_url: str
) -> None:
    context, recorder = open_context()
    page = context.new_page()
    page.goto(site_url + "roles/ownership/")
    page.wait_for_load_state("networkidle")
    assert [url for url in recorder.requests if "/pagefind/" in url] == []
    search(page, "RACI")
    fetched = [url for url in recorder.requests if "/pagefind/" in url]
    assert any(url.endswith("/pagefind/pagefind.js") for url in fetched)
    assert any("/pagefind/fragment/" in url for url in fetched)


def test_the_keyboard_opens_search_and_walks_the_results(home: Page) -> None:
    home.keyboard.press("/")
    expect(home.locator("#__search")).to_be_checked()
    expect(home.locator("input.md-search__input")).to_be_focused()
    home.keyboard.type("RACI")
    expect(home.locator("[data-guide-search-list]")).to_have_attribute(
        "data-query", "RACI"
    )
    home.keyboard.press("ArrowDown")
    expect(home.locator("[data-guide-search-list] a").first).to_be_focused()
    home.keyboard.press("Escape")
    expect(home.locator("#__search")).not_to_be_checked()
