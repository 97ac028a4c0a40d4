"""Code blocks cost a phone nothing until the reader nears them, and lose nothing.

mkdocs.yml turns on Material's ``content.lazy`` and code-blocks.css sets
``content-visibility: auto``: a block off screen is neither laid out nor given its
copy button until it scrolls near. These tests check both halves of that bargain.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import OpenContext

PAGE = "capstone/service/"  # the page with the most highlighted tokens


def last_block(page: Page) -> Locator:
    return page.locator("article div.highlight").last


def bring_into_view(page: Page, block: Locator) -> None:
    """Scroll until the block is on screen, as a reader's scrolling ends up.

    One jump is not enough: blocks drawn on the way take their real height in
    place of the estimate, which moves the block again.
    """
    for _ in range(10):
        block.scroll_into_view_if_needed()
        page.wait_for_timeout(100)
        if block.evaluate("b => b.getBoundingClientRect().top < innerHeight"):
            return
    raise AssertionError("the block never came into view")


def rendered(block: Locator) -> bool:
    """Whether the browser has laid out the block's code (not skipped it)."""
    return block.locator("code").evaluate(
        "code => code.checkVisibility({contentVisibilityAuto: true})"
    )


def test_a_block_off_screen_waits_to_be_drawn_and_mounted(
    open_context: OpenContext, site_url: str
) -> None:
    context, recorder = open_context()
    page = context.new_page()
    page.goto(site_url + PAGE)
    page.wait_for_load_state("networkidle")
    block = last_block(page)
    assert not rendered(block)
    expect(block.locator("button[data-md-type=copy]")).to_have_count(0)
    bring_into_view(page, block)
    expect(block.locator("button[data-md-type=copy]")).to_have_count(1)
    assert rendered(block)
    assert recorder.console_errors == []


def test_a_block_off_screen_is_reachable_from_the_keyboard(
    open_context: OpenContext, site_url: str
) -> None:
    context, _ = open_context()
    page = context.new_page()
    page.goto(site_url + PAGE)
    page.wait_for_load_state("networkidle")
    code = last_block(page).locator("code")
    expect(code).to_have_attribute("tabindex", "0")
    code.focus()
    assert page.evaluate("document.activeElement.tagName") == "CODE"


def test_a_block_off_screen_keeps_its_text_in_the_page(
    open_context: OpenContext, site_url: str
) -> None:
    context, _ = open_context()
    page = context.new_page()
    page.goto(site_url + PAGE)
    block = last_block(page)
    assert not rendered(block)
    # Find in page, screen readers and the search index read it all the same.
    assert block.locator("code").text_content().strip()


# Every layout shift the page makes while it loads, as the browser scores them.
SHIFTS = """() => new Promise(done => {
  const shifts = [];
  new PerformanceObserver(list => shifts.push(...list.getEntries().map(e => e.value)))
    .observe({type: 'layout-shift', buffered: true});
  setTimeout(() => done(shifts), 1000);
})"""


@pytest.mark.parametrize(
    "url", ["reference/churn/train/", "reference/churn/monitor/", PAGE]
)
def test_a_page_does_not_move_while_its_code_blocks_draw(
    open_context: OpenContext, site_url: str, url: str
) -> None:
    # A phone's viewport: blocks on screen and just below it are drawn after the
    # first layout, at their estimated height; a wrong one pulls the page about.
    context, recorder = open_context(viewport={"width": 412, "height": 823})
    page = context.new_page()
    page.goto(site_url + url)
    page.wait_for_load_state("networkidle")
    assert page.locator(".md-typeset .highlight pre").count() >= 3
    shifted = sum(page.evaluate(SHIFTS))
    assert shifted < 0.01, f"the page moved while it loaded: layout shift {shifted:.3f}"
    assert recorder.console_errors == []
