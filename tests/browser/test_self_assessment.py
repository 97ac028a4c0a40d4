"""The self-assessment keeps a reader's ticks in the browser, and works without it."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import OpenContext

PAGE = "transition/self-assessment/"
STORAGE_KEY = "ds-to-mle.self-assessment.v1"
BOXES = "[data-self-assessment] input[type=checkbox][id^='sa-']"


def stored(page: Page) -> dict[str, bool]:
    return json.loads(page.evaluate(f"localStorage.getItem('{STORAGE_KEY}')") or "{}")


def test_ticks_are_counted_saved_and_cleared(
    open_context: OpenContext, site_url: str
) -> None:
    context, recorder = open_context()
    page = context.new_page()
    page.goto(site_url + PAGE)
    area = page.locator(BOXES).first.get_attribute("data-area")
    boxes = page.locator(f"{BOXES}[data-area='{area}']")
    total = page.locator(f"[data-area-total='{area}']")
    levels = boxes.count()
    assert levels >= 2
    expect(total).to_have_text(re.compile(rf"^0 / {levels}\b"))
    boxes.nth(0).check()
    boxes.nth(1).check()
    expect(total).to_have_text(re.compile(rf"^2 / {levels}\b"))
    ticked = [boxes.nth(i).get_attribute("id") for i in (0, 1)]
    assert stored(page) == dict.fromkeys(ticked, True)

    page.reload()
    expect(page.locator(f"{BOXES}:checked")).to_have_count(2)
    expect(boxes.nth(0)).to_be_checked()
    expect(boxes.nth(1)).to_be_checked()
    expect(total).to_have_text(re.compile(rf"^2 / {levels}\b"))

    page.locator("button[data-self-assessment-reset]").click()
    expect(page.locator(f"{BOXES}:checked")).to_have_count(0)
    expect(total).to_have_text(re.compile(rf"^0 / {levels}\b"))
    assert stored(page) == {}
    page.reload()
    expect(page.locator(f"{BOXES}:checked")).to_have_count(0)
    assert recorder.console_errors == []


def test_without_javascript_the_levels_are_tables(
    open_context: OpenContext, site_url: str
) -> None:
    context, _ = open_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + PAGE)
    tables = page.locator("[data-self-assessment] table")
    assert tables.count() >= 2
    for table in tables.all():
        levels = table.locator("tbody tr td:first-child").all_inner_texts()
        assert levels[0].strip() == "Aware", levels
        assert len(levels) >= 2, levels
    expect(page.locator(BOXES)).to_have_count(0)
