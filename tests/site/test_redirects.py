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
