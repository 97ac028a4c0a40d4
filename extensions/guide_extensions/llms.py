"""The page HTML that mkdocs-llmstxt turns into each page's Markdown copy.

mkdocs-llmstxt (mkdocs.yml, ``preprocess:``) calls ``preprocess`` on each page's
HTML before converting it; its own clean-up (``autoclean``) runs here, after the
diagrams are read, since it drops every SVG. Two things would otherwise come out
wrong:

- a code block: Material wraps each line in its own elements, and the converter
  loses the blank lines between them. The copy is made from the text the copy
  button copies instead (the ``code`` element's text), with the block's language,
  and an excerpt keeps its title, the file and the part it shows;
- a diagram: the converter drops SVG, so the diagram's title and description, what
  a screen reader says, take its place.
"""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag
from mkdocs_llmstxt import autoclean


def _language(block: Tag) -> str:
    classes = block.get("class") or []
    return next((c for c in classes if c.startswith("language-")), "")


def _plain_code(soup: BeautifulSoup, block: Tag) -> None:
    """Replace a highlighted block by a plain one with what the copy button copies."""
    code = block.select_one("pre > code")
    if code is None:
        return
    # The converter reads a fence's language from the class of <pre> or its parent.
    pre = soup.new_tag("pre", attrs={"class": _language(block)})
    plain = soup.new_tag("code")
    plain.string = code.get_text()
    pre.append(plain)
    title = block.select_one(".filename")
    if title is not None:
        label = soup.new_tag("p")
        label.string = f"{title.get_text()} (excerpt):"
        block.insert_before(label)
    block.replace_with(pre)


def _diagram_text(soup: BeautifulSoup, figure: Tag) -> None:
    """Replace a drawn diagram by its title and description."""
    title, desc = figure.find("title"), figure.find("desc")
    words = soup.new_tag("p")
    words.string = (
        "Diagram: "
        + ". ".join(
            part.get_text().strip().rstrip(".") for part in (title, desc) if part
        )
        + "."
    )
    figure.replace_with(words)


def preprocess(soup: BeautifulSoup, output: str) -> None:
    """Prepare one page's HTML for its Markdown copy (written to ``output``)."""
    del output  # the plugin passes it; every page is prepared the same way
    for figure in soup.select("figure.diagram"):
        _diagram_text(soup, figure)
    autoclean(soup)
    for block in soup.select("div.highlight"):
        _plain_code(soup, block)
