"""Every page that moved or went still answers at its old URL, with a redirect."""

from __future__ import annotations

import re

import pytest
import yaml

from tests.paths import DOCS, MKDOCS_YML
from tests.site.build import Build


class _Loader(yaml.SafeLoader):
    """mkdocs.yml with its !ENV and !!python tags read as plain values."""


_Loader.add_multi_constructor("", lambda loader, suffix, node: None)


def redirect_maps() -> dict[str, str]:
    config = yaml.load(MKDOCS_YML.read_text(encoding="utf-8"), Loader=_Loader)
    (plugin,) = [
        p for p in config["plugins"] if isinstance(p, dict) and "redirects" in p
    ]
    return plugin["redirects"]["redirect_maps"]


def html_path(page: str) -> str:
    """Where MkDocs writes a page with directory URLs: a/b.md is a/b/index.html."""
    return page.removesuffix(".md") + "/index.html"


@pytest.mark.parametrize(("old", "new"), sorted(redirect_maps().items()))
def test_an_old_url_redirects_to_a_page_that_exists(
    built_site: Build, old: str, new: str
) -> None:
    assert not (DOCS / old).exists(), f"{old} exists again: drop its redirect"
    assert (DOCS / new).is_file()
    page = (built_site.site / html_path(old)).read_text(encoding="utf-8")
    target = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)"', page)
    assert target is not None
    resolved = (built_site.site / html_path(old)).parent / target[1]
    assert resolved.resolve() == (built_site.site / html_path(new)).parent.resolve()


def moved_sections() -> list[tuple[str, str, str]]:
    """(old page, old anchor, new page#anchor) from mkdocs.yml's `extra.moved`."""
    config = yaml.load(MKDOCS_YML.read_text(encoding="utf-8"), Loader=_Loader)
    return [
        (page, anchor, target)
        for page, anchors in config["extra"]["moved"].items()
        for anchor, target in anchors.items()
    ]


def ids_in(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


@pytest.mark.parametrize(("page", "anchor", "target"), moved_sections())
def test_a_moved_section_is_gone_from_its_page_and_found_where_it_went(
    built_site: Build, page: str, anchor: str, target: str
) -> None:
    old = (built_site.site / page / "index.html").read_text(encoding="utf-8")
    new_page, _, new_anchor = target.partition("#")
    new = (built_site.site / new_page / "index.html").read_text(encoding="utf-8")
    assert anchor not in ids_in(old), f"{page}#{anchor} is still there: drop the entry"
    assert new_anchor in ids_in(new), f"{target} does not exist"
    link = re.search(rf'<a data-moved-from="{re.escape(anchor)}" href="([^"]+)"', old)
    assert link, f"{page} has no link for #{anchor}"
    resolved = (built_site.site / page / link[1].split("#")[0]).resolve()
    assert resolved == (built_site.site / new_page).resolve()
    assert link[1].endswith(f"#{new_anchor}")


def test_moved_sections_cover_every_split_chapter() -> None:
    pages = {page for page, _, _ in moved_sections()}
    assert {"skills/api-development/", "production/monitoring/"} <= pages
