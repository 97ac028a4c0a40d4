"""The offline bundle: every link in it opens a file, with no server.

tools/bundle.py copies the built site and points each folder link at the
folder's index.html; tests/browser/test_bundle.py reads the bundle in Chromium.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.site.build import Build
from tools.bundle import NAME, bundle

LINK = re.compile(r'\b(?:href|src)="(?P<url>[^"]*)"')


@pytest.fixture(scope="module")
def offline(built_site: Build, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The zipped bundle of the strict build."""
    return bundle(built_site.site, tmp_path_factory.mktemp("dist"))


def local_targets(page: Path) -> list[str]:
    """The relative links and sources of one HTML file, without anchor or query."""
    found = []
    for match in LINK.finditer(page.read_text(encoding="utf-8")):
        parts = urlsplit(match["url"])
        if parts.scheme or parts.netloc or match["url"].startswith(("#", "/")):
            continue
        found.append(unquote(parts.path))
    return [path for path in found if path]


def test_every_link_in_the_bundle_opens_a_file(offline: Path) -> None:
    folder = offline.parent / NAME
    pages = sorted(folder.rglob("*.html"))
    assert len(pages) > 100
    broken = []
    for page in pages:
        for path in local_targets(page):
            if not (page.parent / path).is_file():
                broken.append(f"{page.relative_to(folder)}: {path}")
    assert broken == [], f"{len(broken)} links open no file, first: {broken[:5]}"


def test_the_zip_holds_the_folder_and_says_how_to_search(offline: Path) -> None:
    with zipfile.ZipFile(offline) as archive:
        names = set(archive.namelist())
        readme = archive.read(f"{NAME}/README.txt").decode()
    assert {f"{NAME}/index.html", f"{NAME}/print_page/index.html"} <= names
    assert "python3 -m http.server" in readme


def test_the_site_itself_keeps_its_folder_links(built_site: Build) -> None:
    """Only the bundle changes: the deployed site links folders, as Pages serves it."""
    home = (built_site.site / "index.html").read_text(encoding="utf-8")
    assert 'href="roles/"' in home
    assert 'href="roles/index.html"' not in home
