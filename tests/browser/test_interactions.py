"""What a reader clicks: sortable tables, the colour palette, instant navigation."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import OpenContext

COMPARISON = "roles/at-a-glance/"  # its first table compares the roles row by row


def first_column(table: Locator) -> list[str]:
    return table.locator("tbody tr td:first-child").all_inner_texts()


def assert_sorts_on_header_click(page: Page) -> None:
    """Click the first table's first header twice: ascending, then descending."""
    table = page.locator("article table").first
    header = table.locator("th").first
    unsorted = first_column(table)
    header.click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    assert first_column(table) == sorted(unsorted, key=str.casefold)
    header.click()
    expect(header).to_have_attribute("aria-sort", "descending")
    assert first_column(table) == sorted(unsorted, key=str.casefold, reverse=True)


def test_table_sorts_on_header_click(open_context: OpenContext, site_url: str) -> None:
    context, _ = open_context()
    page = context.new_page()
    page.goto(site_url + COMPARISON)
    assert_sorts_on_header_click(page)


def scheme(page: Page) -> str | None:
    return page.locator("body").get_attribute("data-md-color-scheme")


def test_palette_toggle_switches_and_persists(
    open_context: OpenContext, site_url: str
) -> None:
    context, _ = open_context(color_scheme="light")
    page = context.new_page()
    page.goto(site_url)
    assert scheme(page) == "default"  # follows the system, which is light here
    toggle = page.locator("[data-md-component=palette] label").filter(visible=True)
    # Automatic -> light -> dark: the theme's toggles cycle in mkdocs.yml's order.
    for _ in range(3):
        if scheme(page) == "slate":
            break
        toggle.click()
    assert scheme(page) == "slate"
    page.reload()
    assert scheme(page) == "slate"
    page.goto(site_url + COMPARISON)
    assert scheme(page) == "slate"


def test_instant_navigation_keeps_the_page_and_its_scripts(
    open_context: OpenContext, site_url: str
) -> None:
    context, recorder = open_context()
    page = context.new_page()
    page.goto(site_url)
    page.evaluate("window.__not_reloaded = true")  # a full page load would drop it
    page.locator(".md-tabs__link", has_text="Roles").click()
    expect(page).to_have_url(site_url + "roles/")
    page.locator(".md-nav__link", has_text="At a glance").first.click()
    expect(page).to_have_url(site_url + COMPARISON)
    expect(page.locator("article h1")).to_have_text(re.compile("At a glance"))
    assert page.evaluate("window.__not_reloaded") is True
    # Scripts that enhance a page ran again on the page that instant navigation loaded.
    assert_sorts_on_header_click(page)
    assert recorder.console_errors == []


def test_an_old_link_to_a_moved_section_lands_where_it_went(
    open_context: OpenContext, site_url: str
) -> None:
    context, _ = open_context()
    page = context.new_page()
    page.goto(site_url + "skills/api-development/#rate-limits")
    expect(page).to_have_url(site_url + "skills/api-resilience/#rate-limits")
    expect(page.locator("#rate-limits")).to_be_in_viewport()
