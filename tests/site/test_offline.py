"""The built site loads nothing from another origin: it works offline, tracks no one."""

from __future__ import annotations

import pytest

from tests.site.build import Build
from tests.site.offline import external_in_css, external_in_html, external_references


def test_no_page_loads_from_another_origin(built_site: Build) -> None:
    assert built_site.returncode == 0, built_site.log
    assert external_references(built_site.site) == {}


def test_theme_does_not_fetch_repository_facts(built_site: Build) -> None:
    # Material's data-md-component="source" calls the GitHub API on every page load.
    page = (built_site.site / "index.html").read_text()
    assert 'data-md-component="source"' not in page
    assert 'class="md-source"' in page


@pytest.mark.parametrize(
    "html",
    [
        '<script src="https://cdn.example.org/x.js"></script>',
        '<link rel="stylesheet" href="//fonts.example.com/css">',
        '<img alt="" srcset="a.png 1x, https://img.example.org/b.png 2x">',
        '<div style="background: url(https://img.example.org/b.png)"></div>',
        "<style>@import 'https://fonts.example.com/roboto.css';</style>",
        '<iframe src="HTTP://video.example.org/embed"></iframe>',
    ],
)
def test_checker_finds_external_loads(html: str) -> None:
    assert external_in_html(html), html


@pytest.mark.parametrize(
    "html",
    [
        '<a href="https://example.org/paper.pdf">a paper</a>',
        '<link rel="canonical" href="https://ds-to-mle.github.io/guide/">',
        '<script src="../assets/javascripts/bundle.js"></script>',
        '<img alt="" src="data:image/png;base64,AAAA">',
    ],
)
def test_checker_allows_links_and_local_assets(html: str) -> None:
    assert external_in_html(html) == []


def test_checker_reads_css_files() -> None:
    css = "@font-face{src:url('https://x.example/f.woff2')} a{background:url(i.png)}"
    assert external_in_css(css) == ["https://x.example/f.woff2"]
