"""Each browser check fails on a page broken on purpose: none of them can pass blindly.

A copy of the built site gets one broken page per case, made from a real page with
one thing injected; the same ``visit`` the page tests use must report it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.checks import Visit, visit
from tests.browser.conftest import OpenContext
from tests.browser.pages import deployed_url, site_prefix
from tests.browser.server import serve
from tests.site.build import Build

PART, BASE = "roles", "at-a-glance"  # a real page with tables
LONG = "a cell that does not wrap " * 12
# case: (HTML injected at the end of the page's article, which check, what it says)
BREAKAGES = {
    "external script": (
        '<script src="https://cdn.example.org/analytics.js"></script>',
        "load",
        "request to another origin: https://cdn.example.org/analytics.js",
    ),
    "external stylesheet": (
        '<link rel="stylesheet" href="https://fonts.example.com/css?family=Roboto">',
        "load",
        "request to another origin: https://fonts.example.com/css",
    ),
    "console error": (
        '<script>console.error("broken on purpose")</script>',
        "load",
        "console error: broken on purpose",
    ),
    "uncaught exception": (
        "<script>notDefinedAnywhere()</script>",
        "load",
        "notDefinedAnywhere is not defined",
    ),
    "missing image": (
        '<img alt="A chart" src="chart.png">',
        "load",
        "chart.png (HTTP 404)",
    ),
    "missing alt text": (
        '<img src="../../assets/images/favicon.png">',
        "accessibility",
        "image-alt (critical)",
    ),
    "faint text": (
        '<p style="color: #c8c8c8">Too faint to read</p>',
        "accessibility",
        "color-contrast (serious)",
    ),
    "faint code among many tokens": (
        "<pre><code>"
        + '<span class="n">token</span> ' * 50
        + '<span class="n" style="color: #e0e0e0">faint</span>'
        + "</code></pre>",
        "accessibility",
        "color-contrast (serious)",
    ),
    "broken link": (
        '<p><a href="../no-such-page/">a page that was never built</a></p>',
        "links",
        "/guide/roles/no-such-page/",
    ),
    "too wide for a phone": (
        '<div style="width: 1200px">A fixed-width block</div>',
        "phone",
        "the page scrolls sideways by",
    ),
    "table outside a scrolling box": (
        f'<table class="plain"><tr><td style="white-space: nowrap">{LONG}</td></tr>'
        "</table>",
        "phone",
        "table not inside a scrolling box",
    ),
}


def slug(case: str) -> str:
    return "broken-" + case.replace(" ", "-")


@pytest.fixture(scope="module")
def broken_site(
    built_site: Build, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """The built site plus one broken page per case, served at the deployed path."""
    if built_site.returncode != 0:
        pytest.fail("the strict build failed: see tests/site/test_build.py")
    site = tmp_path_factory.mktemp("broken") / "site"
    shutil.copytree(built_site.site, site)
    base = (site / PART / BASE / "index.html").read_text(encoding="utf-8")
    assert base.count("</article>") == 1, f"{BASE} changed shape: update this test"
    for case, (html, _, _) in BREAKAGES.items():
        page = site / PART / slug(case) / "index.html"  # same depth: links work
        page.parent.mkdir()
        page.write_text(base.replace("</article>", html + "</article>"), "utf-8")
    with serve(site, site_prefix(), deployed_url()) as url:
        yield url, site


def test_the_unbroken_page_passes_every_check(
    open_context: OpenContext, broken_site: tuple[str, Path]
) -> None:
    # Without this, a case below could pass because the base page was already broken.
    url, site = broken_site
    context, recorder = open_context()
    found = visit(context, recorder, url, f"{PART}/{BASE}/", site)
    assert found == Visit(load=[], links=[], accessibility=[], phone=[])


@pytest.mark.parametrize("case", BREAKAGES, ids=list(BREAKAGES))
def test_check_fails_on_a_broken_page(
    open_context: OpenContext, broken_site: tuple[str, Path], case: str
) -> None:
    _, check, expected = BREAKAGES[case]
    url, site = broken_site
    context, recorder = open_context()
    page_path = f"{PART}/{slug(case)}/"
    found = visit(context, recorder, url, page_path, site, axe=check == "accessibility")
    problems: list[str] = getattr(found, check)
    assert any(expected in problem for problem in problems), problems
