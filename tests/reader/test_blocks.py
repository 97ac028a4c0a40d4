"""Every Python block on a built page is runnable or a labelled excerpt, never unclear.

An excerpt is part of a file, shown for reading: its title names the file (a path
in this repository) and the part, and the paragraph under it links the whole
file. A reader must never paste an unlabelled fragment and meet a NameError.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.paths import ROOT
from tests.reader.test_pages import URLS, page_of
from tools.pages import INSTALL_CLASS, Block

BLOB = "https://github.com/ds-to-mle/guide/blob/main/"


def excerpt_problems(block: Block) -> list[str]:
    """What is wrong with one excerpt's label, in words; empty when all is right."""
    if not block.title or ": " not in block.title:
        return [f"excerpt titled {block.title!r}: want '<path>: <which part>'"]
    path, _, part = block.title.partition(": ")
    problems = []
    if not (ROOT / path).is_file():
        problems.append(f"excerpt of {path}: no such file in the repository")
    if not part.strip():
        problems.append(f"excerpt of {path}: the title does not say which part")
    after = block.element.find_next_sibling()
    links = [a.get("href") for a in after.find_all("a")] if after else []
    if BLOB + path not in links:
        problems.append(f"excerpt of {path}: no link to {BLOB + path} right under it")
    return problems


def block_problems(blocks: list[Block]) -> list[str]:
    """Titled blocks that are not excerpts, and excerpts that are badly labelled."""
    problems = []
    for block in blocks:
        if block.excerpt:
            problems += excerpt_problems(block)
        elif block.language == "python" and block.title:
            problems.append(
                f"a titled Python block ({block.title!r}) that is not an excerpt: "
                "a reader cannot tell whether it runs"
            )
    return problems


@pytest.mark.parametrize("url", URLS, ids=[u or "home" for u in URLS])
def test_every_block_is_runnable_or_a_labelled_excerpt(
    url: str, reader_site: Path
) -> None:
    page = page_of(reader_site, url)
    assert block_problems(page.blocks) == []


@pytest.mark.parametrize("url", URLS, ids=[u or "home" for u in URLS])
def test_the_install_box_comes_before_the_first_runnable_block(
    url: str, reader_site: Path
) -> None:
    page = page_of(reader_site, url)
    if not page.runnable:
        return
    box = page.article.select_one(f"div.admonition.{INSTALL_CLASS}")
    assert box is not None, f"{url}: runnable code and no install box"
    first = page.runnable[0].element
    assert box in first.find_all_previous("div"), f"{url}: the box is below the code"
