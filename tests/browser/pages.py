"""The pages of the site: from the Markdown and notebook sources, and from a build."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

from tests.paths import DOCS, MKDOCS_YML

# Folders under docs/ that mkdocs.yml's exclude_docs keeps out of the site.
EXCLUDED = {"includes", "assets", "generated"}
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def deployed_url() -> str:
    """mkdocs.yml's site_url: where the site is deployed."""
    # mkdocs.yml has !!python tags that yaml.safe_load refuses; one line is enough.
    match = re.search(r"^site_url:\s*(\S+)", MKDOCS_YML.read_text(), re.MULTILINE)
    assert match, "mkdocs.yml has no site_url"
    return match[1]


def site_prefix() -> str:
    """The path the site is deployed under, e.g. ``/guide/``."""
    return urlsplit(deployed_url()).path


def source_pages(docs: Path = DOCS) -> list[str]:
    """Each page's URL relative to the site root ("" for home), from its source file."""
    pages = []
    for path in sorted(docs.rglob("*")):
        rel = path.relative_to(docs)
        if path.suffix not in {".md", ".ipynb"} or EXCLUDED & set(rel.parts[:-1]):
            continue
        stem = rel.with_suffix("").as_posix()
        pages.append("" if stem == "index" else re.sub(r"(^|/)index$", "", stem) + "/")
    return sorted(set(pages))


def built_pages(site: Path) -> list[str]:
    """Each page's URL relative to the site root, as the build's sitemap lists them."""
    root = ET.parse(site / "sitemap.xml").getroot()
    prefix = site_prefix()
    paths = [
        urlsplit(loc.text or "").path for loc in root.findall(".//sm:loc", SITEMAP_NS)
    ]
    return sorted(path.removeprefix(prefix) for path in paths)
