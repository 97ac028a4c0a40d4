"""Diagrams: drawn at build, shown without JavaScript, in the reader's palette."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import OpenContext

PAGE = "capstone/"  # its diagram is above the fold
TITLE = "The churn system from data to monitoring"


def diagram(page: Page, theme: str) -> Locator:
    return page.locator(f"figure.diagram .diagram__{theme} svg").first


def test_a_diagram_shows_with_no_diagram_script(
    open_context: OpenContext, site_url: str
) -> None:
    context, recorder = open_context(color_scheme="light")
    page = context.new_page()
    page.goto(site_url + PAGE)
    page.wait_for_load_state("networkidle")
    expect(diagram(page, "light")).to_be_visible()
    expect(diagram(page, "light").locator("title")).to_have_text(TITLE)
    expect(diagram(page, "dark")).to_be_hidden()
    assert [url for url in recorder.requests if "mermaid" in url] == []
    assert recorder.console_errors == []


def test_a_diagram_is_readable_without_javascript(
    open_context: OpenContext, site_url: str
) -> None:
    context, _ = open_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + PAGE)
    expect(diagram(page, "light")).to_be_visible()
    label = diagram(page, "light").locator("tspan", has_text="Evaluation gate")
    expect(label).to_be_visible()


def test_a_dark_reader_gets_the_dark_render(
    open_context: OpenContext, site_url: str
) -> None:
    context, _ = open_context(color_scheme="dark")
    page = context.new_page()
    page.goto(site_url + PAGE)
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    expect(diagram(page, "dark")).to_be_visible()
    expect(diagram(page, "light")).to_be_hidden()
