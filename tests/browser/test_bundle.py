"""The offline bundle read in Chromium from file://, as a reader who unzipped it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.checks import load_problems
from tests.browser.conftest import OpenContext
from tests.site.build import Build
from tools.bundle import NAME, bundle


@pytest.fixture(scope="module")
def home(built_site: Build, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The bundle's home page as a file:// URL."""
    dist = tmp_path_factory.mktemp("dist")
    bundle(built_site.site, dist)
    return (dist / NAME / "index.html").as_uri()


def test_pages_open_and_link_from_disk(home: str, open_context: OpenContext) -> None:
    context, recorder = open_context()
    page = context.new_page()
    page.goto(home)
    header = page.locator(".md-header")
    # Styled: the theme's stylesheet loaded from disk.
    assert header.evaluate("e => getComputedStyle(e).position") == "sticky"
    page.locator('.md-tabs a[href="roles/index.html"]').first.click()
    expect(page).to_have_url(home.removesuffix("index.html") + "roles/index.html")
    expect(page.locator("article h1")).to_contain_text("data scientist and ML")
    page.locator('article a[href="at-a-glance/index.html"]').first.click()
    expect(page.locator("article h1")).to_contain_text("glance")
    assert load_problems(recorder, home) == []


def test_search_says_it_needs_a_server(home: str, open_context: OpenContext) -> None:
    context, _ = open_context()
    page = context.new_page()
    page.goto(home)
    page.keyboard.press("/")
    page.locator("[data-guide-search-query]").fill("drift")
    expect(page.locator("[data-guide-search-meta]")).to_contain_text(
        "python3 -m http.server"
    )


def test_the_print_page_opens_from_disk(home: str, open_context: OpenContext) -> None:
    context, recorder = open_context()
    page = context.new_page()
    page.goto(home)
    page.locator('a.md-content__button[href="print_page/index.html"]').click()
    expect(page.locator("section.print-page#skills-ci-cd")).to_have_count(1)
    assert load_problems(recorder, home) == []
