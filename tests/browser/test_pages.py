"""Every page, opened in Chromium as a reader opens it.

Each page loads cleanly, stays on the site, links only to pages that exist, passes
axe-core, and fits a phone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.checks import Visit, accessibility_problems, load_problems, visit
from tests.browser.conftest import OpenContext
from tests.browser.pages import built_pages, source_pages
from tests.site.build import Build

PAGES = source_pages()
# The dark scheme has its own colours; check it where code, tables, notebooks and the
# self-assessment's own widgets appear.
DARK_PAGES = [
    "",
    "roles/metrics/",
    "production/latency-percentiles/",
    "transition/self-assessment/",
]


def problems(found: list[str]) -> str:
    """One problem a line, so a failure reads as a list."""
    return "\n".join(["", *found])


@pytest.fixture(scope="module")
def visits() -> dict[str, Visit]:
    """Visits by page, so each page is opened once for several tests."""
    return {}


@pytest.fixture
def visited(
    request: pytest.FixtureRequest,
    visits: dict[str, Visit],
    open_context: OpenContext,
    site_url: str,
    built_site: Build,
) -> Visit:
    """The test's page, opened once and checked (see tests/browser/checks.py)."""
    page_path: str = request.param
    if page_path not in visits:
        context, recorder = open_context()
        visits[page_path] = visit(
            context, recorder, site_url, page_path, built_site.site
        )
    return visits[page_path]


def test_every_built_page_is_checked(built_site: Build) -> None:
    # PAGES comes from docs/ so that each page is its own test; the build must agree.
    assert built_pages(built_site.site) == PAGES


@pytest.mark.parametrize("visited", PAGES, indirect=True)
def test_page_loads_without_errors_or_requests_elsewhere(visited: Visit) -> None:
    assert not visited.load, problems(visited.load)


@pytest.mark.parametrize("visited", PAGES, indirect=True)
def test_page_links_only_to_built_pages(visited: Visit) -> None:
    assert not visited.links, problems(visited.links)


@pytest.mark.parametrize("visited", PAGES, indirect=True)
def test_page_has_no_serious_accessibility_violations(visited: Visit) -> None:
    assert not visited.accessibility, problems(visited.accessibility)


@pytest.mark.parametrize("page_path", DARK_PAGES)
def test_dark_scheme_has_no_serious_accessibility_violations(
    open_context: OpenContext, site_url: str, page_path: str
) -> None:
    context, _ = open_context(color_scheme="dark")
    page = context.new_page()
    page.goto(site_url + page_path, wait_until="networkidle")
    assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
    found = accessibility_problems(page)
    assert not found, problems(found)


@pytest.mark.parametrize("visited", PAGES, indirect=True)
def test_page_fits_a_phone_screen(visited: Visit) -> None:
    assert not visited.phone, problems(visited.phone)


def test_not_found_page_loads_and_passes_axe(
    open_context: OpenContext, site_url: str
) -> None:
    context, recorder = open_context()
    page = context.new_page()
    page.goto(site_url + "404.html", wait_until="networkidle")
    found = load_problems(recorder, site_url) + accessibility_problems(page)
    assert not found, problems(found)


def test_source_pages_follow_the_build_rules(tmp_path: Path) -> None:
    for name in ["index.md", "a/index.md", "a/b.md", "a/c.ipynb", "includes/x.md"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    (tmp_path / "a/generated").mkdir()
    (tmp_path / "a/generated/t.md").write_text("")
    assert source_pages(tmp_path) == ["", "a/", "a/b/", "a/c/"]
