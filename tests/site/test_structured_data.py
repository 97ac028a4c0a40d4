"""Each page describes itself to search engines as schema.org JSON-LD.

overrides/main.html writes it from mkdocs.yml and the page's front matter: the
home page is the guide, a free course; every other page an article that is part
of it, with the title and description the page shows.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from bs4 import BeautifulSoup

from tests.browser.pages import deployed_url
from tests.site.build import Build
from tools.pages import PRINT_PAGE, site_pages


def structured(html: str) -> list[dict[str, Any]]:
    soup = BeautifulSoup(html, "html.parser")
    return [
        json.loads(script.string or "")
        for script in soup.select('script[type="application/ld+json"]')
    ]


def test_the_home_page_describes_the_guide(built_site: Build) -> None:
    (data,) = structured((built_site.site / "index.html").read_text(encoding="utf-8"))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Course"
    assert data["name"] == "From Data Scientist to ML Engineer"
    assert data["url"] == deployed_url()
    assert data["isAccessibleForFree"] is True
    assert data["provider"]["url"] == "https://github.com/ds-to-mle/guide"


@pytest.mark.parametrize("url", ["skills/ci-cd/", "roles/at-a-glance/"])
def test_a_page_is_an_article_of_the_guide(built_site: Build, url: str) -> None:
    html = (built_site.site / url / "index.html").read_text(encoding="utf-8")
    (data,) = structured(html)
    soup = BeautifulSoup(html, "html.parser")
    assert data["@type"] == "TechArticle"
    # The page's title, as the browser's tab and the search result show it.
    assert soup.title.string == f"{data['headline']} - {data['isPartOf']['name']}"
    description = soup.select_one('meta[name="description"]')["content"]
    assert data["description"] == description
    assert data["url"] == deployed_url() + url
    assert data["isPartOf"]["@type"] == "Course"


def test_every_page_has_one_description_and_the_print_page_none(
    built_site: Build,
) -> None:
    for page in site_pages(built_site.site):
        found = structured(page.html_path.read_text(encoding="utf-8"))
        assert len(found) == 1, f"{page.url or 'home'}: {len(found)} descriptions"
    printed = built_site.site / PRINT_PAGE / "index.html"
    assert structured(printed.read_text(encoding="utf-8")) == []
