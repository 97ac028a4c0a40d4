"""The search box finds role comparisons where a reader expects them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import OpenContext

# Text from the role-comparison tables, and the page and section that should come first.
QUERIES = {
    "judged by": ("roles/metrics/", "what-each-role-is-judged-by"),
    "company size": ("roles/at-a-glance/", "how-company-size-changes-the-balance"),
    "RACI": ("roles/ownership/", "the-four-letters"),
}
SETTLED = re.compile(r"\d+ matching documents?|No matching documents")


def search(page: Page, query: str) -> None:
    """Type ``query`` into the header's search box, key by key, and await results."""
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(query)
    # The index is built in a web worker: on a busy machine that takes seconds.
    expect(page.locator(".md-search-result__meta")).to_have_text(SETTLED)


@pytest.fixture
def home(open_context: OpenContext, site_url: str) -> Page:
    context, _ = open_context()
    page = context.new_page()
    page.goto(site_url)
    return page


@pytest.mark.parametrize("query", QUERIES)
def test_search_puts_the_right_section_first(
    home: Page, site_url: str, query: str
) -> None:
    page_path, section = QUERIES[query]
    search(home, query)
    first = home.locator(".md-search-result__item").first
    hrefs = first.locator("a.md-search-result__link").evaluate_all(
        "links => links.map(a => a.href)"
    )
    assert hrefs[0].startswith(site_url + page_path + "?"), hrefs
    sections = [href.split("#", 1)[1] for href in hrefs if "#" in href]
    assert sections[:1] == [section], hrefs


def test_search_result_opens_the_section(home: Page, site_url: str) -> None:
    search(home, "RACI")
    home.locator(".md-search-result__item a[href*='#the-four-letters']").click()
    expect(home).to_have_url(re.compile(re.escape(site_url + "roles/ownership/")))
    expect(home.locator("#the-four-letters")).to_be_in_viewport()


def test_search_without_hits_shows_the_empty_state(home: Page) -> None:
    search(home, "zqxjvkw")
    expect(home.locator(".md-search-result__meta")).to_have_text(
        "No matching documents"
    )
    expect(home.locator(".md-search-result__item")).to_have_count(0)
