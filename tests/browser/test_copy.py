"""The copy button on an included snippet copies exactly the tested file's section."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import OpenContext
from tests.paths import SNIPPETS
from tests.site.build import Build
from tools.pages import read_page

# (page, file, section): pages that include a section of a file under snippets/.
INCLUDES = [
    ("roles/metrics/", SNIPPETS / "roles" / "slo.py", "budget"),
    ("capstone/service/", SNIPPETS / "churn" / "serve.py", "predict"),
]


def file_section(path: Path, name: str) -> str:
    """The lines between ``# --8<-- [start:name]`` and ``[end:name]``, as included."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"# --8<-- [start:{name}]")
    end = lines.index(f"# --8<-- [end:{name}]")
    return "\n".join(lines[start + 1 : end]).rstrip("\n")


@pytest.mark.parametrize(
    ("page_path", "path", "section"),
    INCLUDES,
    ids=[f"{page}{path.name}:{section}" for page, path, section in INCLUDES],
)
def test_copy_button_copies_the_file_section(
    open_context: OpenContext, site_url: str, page_path: str, path: Path, section: str
) -> None:
    expected = file_section(path, section)
    context, _ = open_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(site_url + page_path)
    # The block that starts and ends as the section does.
    lines = expected.splitlines()
    block = (
        page.locator(".highlight")
        .filter(has_text=lines[0].strip())
        .filter(has_text=lines[-1].strip())
        .first
    )
    block.hover()  # the button shows on hover, as a reader finds it
    block.locator("button[data-md-type=copy]").click()
    assert page.evaluate("navigator.clipboard.readText()") == expected


# Pages whose every code block is copied in the browser and compared with what the
# reader test (tests/reader/) takes from the HTML: one of each kind of page.
READER_PAGES = ["roles/metrics/", "reference/churn/config/"]


@pytest.mark.parametrize("page_path", READER_PAGES)
def test_the_reader_test_runs_what_the_copy_button_copies(
    open_context: OpenContext, site_url: str, built_site: Build, page_path: str
) -> None:
    html = built_site.site / page_path / "index.html"
    blocks = read_page(built_site.site, html).blocks
    assert any(block.runnable for block in blocks)
    context, _ = open_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(site_url + page_path)
    copied = []
    for block in page.locator("article div.highlight:not(.doc-signature)").all():
        block.scroll_into_view_if_needed()
        block.hover()
        block.locator("button[data-md-type=copy]").click()
        copied.append(page.evaluate("navigator.clipboard.readText()"))
    # The copy button drops the final newline of a block; so does the script join.
    assert copied == [block.code.rstrip("\n") for block in blocks]
