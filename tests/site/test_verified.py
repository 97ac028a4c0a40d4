"""Every page with code ends with its "last verified" line, true to uv.lock."""

from __future__ import annotations

import pytest

from tests.conftest import VERIFIED_BUILD
from tests.paths import DOCS
from tests.site.build import Build
from tools.lock import Lock
from tools.pages import Page, site_pages
from tools.verified import has_code, libraries, page_code

COMMIT = VERIFIED_BUILD["GUIDE_VERIFIED_COMMIT"]
DATE = VERIFIED_BUILD["GUIDE_VERIFIED_ON"]


@pytest.fixture(scope="module")
def pages(built_site: Build) -> list[Page]:
    assert built_site.returncode == 0, built_site.log[-3000:]
    return site_pages(built_site.site)


def is_notebook(page: Page) -> bool:
    return (DOCS / (page.url.rstrip("/") + ".ipynb")).exists()


def line_of(page: Page) -> str | None:
    """The page's "last verified" line as a reader reads it, if it has one."""
    aside = page.article.select_one("aside#last-verified")
    return " ".join(aside.get_text().split()) if aside else None


def test_every_page_with_code_has_the_line_and_no_other_page_does(
    pages: list[Page],
) -> None:
    with_code = {p.url for p in pages if has_code(p) or is_notebook(p)}
    with_line = {p.url for p in pages if line_of(p) is not None}
    assert len(with_code) > 30
    assert sorted(with_code - with_line) == [], "run `python -m tools.install_lines`"
    assert sorted(with_line - with_code) == [], "run `python -m tools.install_lines`"


def test_the_line_names_the_passing_build_and_the_locked_versions(
    pages: list[Page], lock: Lock
) -> None:
    wrong = []
    for page in pages:
        line = line_of(page)
        if line is None or is_notebook(page):
            continue
        libs = libraries(page_code(page), lock)
        expected = (
            f"Last verified on {DATE}, at commit {COMMIT[:7]}, whose tests ran this "
            f"page's code{' with ' + ', '.join(libs) if libs else ''}."
        )
        if line != expected:
            wrong.append(f"{page.url}:\n  {line}\n  {expected}")
    assert not wrong, "run `python -m tools.install_lines`\n" + "\n".join(wrong)


def test_the_line_links_the_commit(pages: list[Page]) -> None:
    page = next(p for p in pages if p.url == "capstone/service/")
    link = page.article.select_one("aside#last-verified a")
    assert link is not None
    assert link["href"] == f"https://github.com/ds-to-mle/guide/commit/{COMMIT}"
    assert "the reference system at that commit" in (line_of(page) or "")


def test_a_notebook_page_points_to_its_install_cell(pages: list[Page]) -> None:
    page = next(p for p in pages if p.url == "capstone/notebook/")
    assert line_of(page) == (
        f"Last verified on {DATE}, at commit {COMMIT[:7]}, whose tests ran this "
        "page's code, at the versions its install cell names."
    )
