"""Write each built page with runnable code as a Jupyter notebook beside it.

Run after ``mkdocs build`` (``make build`` does): ``python -m tools.notebooks site``.
The notebook is made from the built page itself, so its code cells are exactly
what the copy buttons copy: the page's runnable blocks, in page order. The prose
between them becomes Markdown cells (markdownify), excerpts stay Markdown code
fences, so "Run all" runs what the page runs and nothing else.
"""

from __future__ import annotations

import argparse
import copy
import sys
from collections.abc import Iterator
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup, NavigableString, Tag
from markdownify import markdownify

from tools.pages import Block, Page, block_of, notebook_name, site_pages

# Parts of the article that mean nothing in a notebook.
DROP = ["a.headerlink", "a.md-content__button", "button", "script", "style"]


def cells(page: Page) -> Iterator[nbformat.NotebookNode]:
    """The page's cells: Markdown for prose, code for each runnable block."""
    article = copy.copy(page.article)
    for figure in article.select("figure.diagram"):
        figure.replace_with(_diagram_text(figure))
    for selector in DROP:
        for element in article.select(selector):
            element.decompose()
    prose: list[str] = []
    for kind, text in _walk(article):
        if kind == "code":
            if "".join(prose).strip():
                yield nbformat.v4.new_markdown_cell(_markdown("".join(prose)))
            prose = []
            yield nbformat.v4.new_code_cell(text.rstrip("\n"))
        else:
            prose.append(text)
    if "".join(prose).strip():
        yield nbformat.v4.new_markdown_cell(_markdown("".join(prose)))


def _walk(element: Tag) -> Iterator[tuple[str, str]]:
    """Yield ("html", fragment) and ("code", source) in document order."""
    for child in element.children:
        if isinstance(child, NavigableString):
            yield "html", str(child)
        elif not isinstance(child, Tag):
            continue
        elif "doc-signature" in child.get("class", []):
            yield "html", str(child)  # an API signature reads as a heading
        elif "highlight" in child.get("class", []):
            block = block_of(child)
            if block.runnable:
                yield "code", block.code
            else:
                yield "html", _fence(block)
        elif child.select_one("div.highlight") is not None:
            yield from _walk(child)  # a tab or admonition holding code: go inside
        else:
            yield "html", str(child)


def _diagram_text(figure: Tag) -> Tag:
    """A drawn diagram as its title and description: SVG means nothing in Markdown."""
    svg = figure.select_one("svg")
    title = svg.select_one("title") if svg else None
    desc = svg.select_one("desc") if svg else None
    paragraph = BeautifulSoup("<p></p>", "html.parser").p
    emphasis = paragraph.new_tag("em")
    emphasis.string = f"Diagram: {title.get_text(strip=True) if title else 'untitled'}."
    paragraph.append(emphasis)
    if desc:
        paragraph.append(" " + desc.get_text(strip=True))
    return paragraph


def _fence(block: Block) -> str:
    """A block that is not run, kept as a fenced block (with its title)."""
    title = f"<p><em>{block.title}</em></p>" if block.title else ""
    code = _escape(block.code)
    return f'{title}<pre><code class="language-{block.language}">{code}</code></pre>'


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _markdown(html: str) -> str:
    text = markdownify(
        html, heading_style="ATX", bullets="-", code_language_callback=_language
    )
    lines = [line.rstrip() for line in text.strip().splitlines()]
    out: list[str] = []
    for line in lines:  # at most one blank line in a row
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out)


def _language(element: Tag) -> str | None:
    code = element.find("code")
    for name in (code.get("class", []) if code else []) + element.get("class", []):
        if name.startswith("language-"):
            return name.removeprefix("language-")
    return None


def notebook(page: Page) -> nbformat.NotebookNode:
    """The page as a notebook for a Python 3 kernel."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = list(cells(page))
    return nb


def write_notebooks(site: Path) -> list[Path]:
    """Write a notebook beside every page that has runnable code."""
    written = []
    for page in site_pages(site):
        if not page.runnable or page.notebook_href is None:
            continue
        path = page.html_path.parent / notebook_name(page.url)
        nbformat.write(notebook(page), path)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m tools.notebooks SITE_DIR``."""
    parser = argparse.ArgumentParser(prog="python -m tools.notebooks")
    parser.add_argument("site", type=Path, help="the folder mkdocs built")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").exists():
        print(
            f"error: {args.site} is not a built site (no index.html)", file=sys.stderr
        )
        return 2
    written = write_notebooks(args.site)
    print(f"wrote {len(written)} page notebooks into {args.site}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
