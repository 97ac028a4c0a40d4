"""The print page holds the whole guide on one page, and every link on it lands.

mkdocs-print-site-plugin writes print_page/ (mkdocs.yml); tools/print_page.py
mends what it gets wrong. The API reference stays online, so its links leave the
page for the reference's own pages.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.site.build import Build
from tools.pages import PRINT_PAGE, site_pages


@pytest.fixture(scope="module")
def page(built_site: Build) -> BeautifulSoup:
    html = built_site.site / PRINT_PAGE / "index.html"
    return BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")


def test_it_holds_every_page_but_the_reference(
    built_site: Build, page: BeautifulSoup
) -> None:
    sections = {section.get("id") for section in page.select("section.print-page")}
    chapters = [p.url for p in site_pages(built_site.site)]
    wanted = {
        url.rstrip("/").replace("/", "-") or "index"
        for url in chapters
        if not url.startswith("reference/")
    }
    assert sorted(wanted - sections) == [], "pages missing from the print page"
    assert not any(s and s.startswith("reference-") for s in sections)


def test_every_link_within_it_lands_on_an_element(page: BeautifulSoup) -> None:
    ids = {element["id"] for element in page.select("[id]")}
    links = [a["href"] for a in page.select("article a[href]")]
    inner = [href for href in links if href.startswith("#")]
    assert len(inner) > 500
    assert sorted({href for href in inner if href[1:] not in ids}) == []


def test_every_link_to_the_site_lands_on_a_file(
    built_site: Build, page: BeautifulSoup
) -> None:
    here = built_site.site / PRINT_PAGE
    relative = [
        a["href"]
        for a in page.select("article a[href]")
        if not a["href"].startswith(("#", "http:", "https:", "mailto:"))
    ]
    assert any("reference/" in href for href in relative), "no link to the reference"
    missing = []
    for href in relative:
        target = (here / urlsplit(href).path).resolve()
        if not (target.is_file() or (target / "index.html").is_file()):
            missing.append(href)
    assert missing == []


def test_search_leaves_it_out(page: BeautifulSoup) -> None:
    """Pagefind indexes marked content only: a result never opens the print page.

    Search engines are asked not to list it either: the chapters say the same.
    """
    assert page.select("[data-pagefind-body]") == []
    assert page.select_one('meta[name="robots"]')["content"] == "noindex"


def test_the_mended_page_has_one_of_each_footnote_id(page: BeautifulSoup) -> None:
    refs = [sup["id"] for sup in page.select('sup[id*="fnref"]')]
    assert len(refs) > 50
    assert len(refs) == len(set(refs))
    assert not any(ref.startswith("fnref") for ref in refs)


@pytest.mark.parametrize(("url", "href"), [("", ""), ("skills/ci-cd/", "../../")])
def test_every_page_has_a_button_to_the_print_page(
    built_site: Build, url: str, href: str
) -> None:
    html = (built_site.site / url / "index.html").read_text(encoding="utf-8")
    assert f'<a href="{href}{PRINT_PAGE}/" class="md-content__button' in html
