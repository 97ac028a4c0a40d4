"""The roles tables: a filter box above each, and a link lands on one row."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import OpenContext

OWNERSHIP = "roles/ownership/"
ROW = "row-retraining"


def test_the_filter_box_shows_only_the_rows_that_hold_the_words(
    open_context: OpenContext, site_url: str
) -> None:
    context, recorder = open_context()
    page = context.new_page()
    page.goto(site_url + OWNERSHIP)
    matrix = page.locator("article table").nth(1)
    rows = matrix.locator("tbody tr")
    total = rows.count()
    box = page.get_by_label("Filter rows").nth(1)
    box.fill("incident")
    expect(rows.filter(visible=True)).to_have_count(1)
    expect(rows.filter(visible=True).first).to_contain_text("Incident response")
    expect(page.locator(".table-filter__count").nth(1)).to_have_text(
        f"1 of {total} rows"
    )
    box.fill("product owner accountable")  # every word, anywhere in the row
    expect(rows.filter(visible=True)).to_have_count(0)  # the header is not a row
    box.fill("Retire")  # case does not matter
    expect(rows.filter(visible=True)).to_have_count(1)
    box.fill("")
    expect(rows.filter(visible=True)).to_have_count(total)
    assert recorder.console_errors == []


def test_without_javascript_the_full_table_shows_and_no_box(
    open_context: OpenContext, site_url: str
) -> None:
    context, _ = open_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + OWNERSHIP)
    expect(page.get_by_label("Filter rows")).to_have_count(0)
    expect(page.locator(f"#{ROW}")).to_be_visible()


def test_a_link_to_a_row_scrolls_to_it_and_marks_it(
    open_context: OpenContext, site_url: str
) -> None:
    context, _ = open_context()
    page = context.new_page()
    page.goto(f"{site_url}{OWNERSHIP}#{ROW}")
    row = page.locator(f"#{ROW}")
    expect(row).to_be_in_viewport()
    expect(row).to_have_class("is-target")
    expect(row).to_contain_text("R, A: responsible, accountable")


def test_instant_navigation_to_a_row_marks_it_too(
    open_context: OpenContext, site_url: str
) -> None:
    context, _ = open_context()
    page = context.new_page()
    page.goto(site_url + "roles/")
    page.evaluate(
        "([href]) => { const a = document.createElement('a'); a.href = href;"
        " a.id = 'go'; a.textContent = 'go'; document.querySelector('article')"
        ".prepend(a); }",
        [f"{site_url}{OWNERSHIP}#{ROW}"],
    )
    page.evaluate("window.__not_reloaded = true")
    page.locator("#go").click()
    row = page.locator(f"#{ROW}")
    expect(row).to_have_class("is-target")
    expect(row).to_be_in_viewport()
    assert page.evaluate("window.__not_reloaded") is True
