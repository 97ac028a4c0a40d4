"""The guide for AI assistants: /llms.txt lists every page, each with a Markdown copy.

mkdocs-llmstxt writes the copies from the built HTML (mkdocs.yml), through
``guide_extensions.llms``: every code block of a page must be in its copy as the
copy button copies it, in a fence that names its language, and every diagram as
its title and description.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.pages import deployed_url
from tests.site.build import Build
from tools.pages import Page, site_pages

LISTED = re.compile(r"^- \[(?P<title>[^\]]+)\]\((?P<url>[^)]+)\)", re.MULTILINE)


@pytest.fixture(scope="module")
def pages(built_site: Build) -> list[Page]:
    return site_pages(built_site.site)


def copy_of(site: Path, page: Page) -> Path:
    """Where a page's Markdown copy is: beside its index.html."""
    return page.html_path.with_suffix(".md")


def test_llms_txt_lists_every_page_once(built_site: Build, pages: list[Page]) -> None:
    text = (built_site.site / "llms.txt").read_text(encoding="utf-8")
    assert text.startswith("# From Data Scientist to ML Engineer\n\n> ")
    listed = [match["url"] for match in LISTED.finditer(text)]
    assert len(listed) == len(set(listed)), "a page listed twice"
    wanted = {deployed_url() + page.url + "index.md" for page in pages}
    assert set(listed) == wanted


def test_every_listed_copy_exists(built_site: Build) -> None:
    text = (built_site.site / "llms.txt").read_text(encoding="utf-8")
    for match in LISTED.finditer(text):
        path = match["url"].removeprefix(deployed_url())
        assert (built_site.site / path).is_file(), f"{match['url']}: no such file"


# Blocks whose code holds a fence of its own (Markdown examples, a heredoc):
# markdownify (1.x) fences every block with three backticks whatever it holds, so
# in the copy the inner fence can end the outer one. On two pages, that breaks the
# fences of the blocks after it, and their copies are not checked; on the others,
# only those blocks are left out. A limitation of the converter, not of our code.
FENCED_CODE = {
    "contributing/",
    "transition/portfolio/",
    "production/reproducibility/",
    "capstone/package/",
}
BROKEN_COPIES = {"contributing/", "transition/portfolio/"}


def nested(code: str) -> bool:
    """Whether a block's code holds a fence of its own."""
    return "```" in code


def test_only_the_known_pages_show_fences_in_code(pages: list[Page]) -> None:
    found = {page.url for page in pages for b in page.blocks if nested(b.code)}
    assert found == FENCED_CODE


def test_each_copy_holds_its_pages_code_as_copied(
    built_site: Build, pages: list[Page]
) -> None:
    problems = []
    for page in pages:
        if page.url in BROKEN_COPIES:
            continue
        copy = copy_of(built_site.site, page).read_text(encoding="utf-8")
        for block in page.blocks:
            if not block.code.strip() or nested(block.code):
                continue
            # A fence as long as it must be: four backticks round code that has three.
            fence = rf"(?m)^(`{{3,}}){re.escape(block.language)}\n"
            fence += rf"{re.escape(block.code.rstrip())}\n\1$"
            if not re.search(fence, copy):
                problems.append(f"{page.url or 'home'}: a {block.language} block")
    assert problems == [], "code missing from a copy or changed in it"


def test_each_diagram_is_in_its_copy_as_words(
    built_site: Build, pages: list[Page]
) -> None:
    diagrams = 0
    for page in pages:
        copy = copy_of(built_site.site, page).read_text(encoding="utf-8")
        for figure in page.article.select("figure.diagram"):
            diagrams += 1
            title = figure.find("title").get_text().strip()
            assert f"Diagram: {title}." in copy, f"{page.url}: {title}"
    assert diagrams > 5


def test_the_full_text_holds_every_copy(built_site: Build, pages: list[Page]) -> None:
    full = (built_site.site / "llms-full.txt").read_text(encoding="utf-8")
    for page in pages:
        copy = copy_of(built_site.site, page).read_text(encoding="utf-8")
        assert copy in full, f"{page.url or 'home'}: not in llms-full.txt"
