"""A built page as the reader meets it: its code blocks, as the copy button copies them.

Every Python block on a page is one of two kinds, and the built HTML tells them
apart the way a reader does:

- an **excerpt** has the class ``excerpt`` and a title that names the file it is
  part of (``{.python .excerpt title="snippets/churn/serve.py: the schema"}``);
- every other Python block is **runnable**: the page's runnable blocks, in page
  order, run as one script.

The page's install line is the bash block in its ``run-this-page`` admonition.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, Tag

INSTALL_CLASS = "run-this-page"
DOCS = Path(__file__).resolve().parent.parent / "docs"


@dataclass(frozen=True)
class Block:
    """One highlighted code block of a page."""

    language: str
    code: str
    title: str | None
    excerpt: bool
    element: Tag

    @property
    def runnable(self) -> bool:
        """A Python block that is not an excerpt."""
        return self.language == "python" and not self.excerpt


@dataclass(frozen=True)
class Page:
    """One built page: where it is and what its article holds."""

    url: str
    html_path: Path
    article: Tag

    @property
    def blocks(self) -> list[Block]:
        """Every highlighted code block in the article, in page order.

        An API reference's signatures (``doc-signature``) are headings, not code.
        """
        return [
            block_of(div)
            for div in self.article.select("div.highlight")
            if "doc-signature" not in div.get("class", [])
        ]

    @property
    def runnable(self) -> list[Block]:
        """The blocks a reader runs, in order, outside the install admonition."""
        return [b for b in self.blocks if b.runnable and not _in_install(b.element)]

    @property
    def script(self) -> str:
        """The runnable blocks joined into the script a reader would save."""
        return "\n\n".join(block.code.rstrip("\n") for block in self.runnable) + "\n"

    @property
    def install_line(self) -> str | None:
        """The command the page says installs what its code imports."""
        box = self.article.select_one(f"div.admonition.{INSTALL_CLASS}")
        if box is None:
            return None
        code = box.select_one("div.language-bash code")
        return code.get_text().strip() if code else ""  # "" : nothing to install

    @property
    def notebook_href(self) -> str | None:
        """The link, relative to the page, to the page as a notebook."""
        box = self.article.select_one(f"div.admonition.{INSTALL_CLASS}")
        link = box.select_one('a[href$=".ipynb"]') if box else None
        return str(link["href"]) if link else None


def block_of(div: Tag) -> Block:
    """One ``div.highlight`` element as a block: its language, code, title, kind."""
    classes = div.get("class", [])
    language = next(
        (c.removeprefix("language-") for c in classes if c.startswith("language-")),
        "",
    )
    title = div.select_one(".filename")
    code = div.select_one("pre > code")
    return Block(
        language=language,
        code=code.get_text() if code else "",
        title=title.get_text() if title else None,
        excerpt="excerpt" in classes,
        element=div,
    )


def _in_install(element: Tag) -> bool:
    return any(INSTALL_CLASS in parent.get("class", []) for parent in element.parents)


def read_page(site: Path, html_path: Path) -> Page:
    """Parse one built page; its URL is its folder relative to the site."""
    soup = BeautifulSoup(html_path.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article.md-content__inner")
    if article is None:
        raise ValueError(f"{html_path}: no article element; is it a Material page?")
    folder = html_path.parent.relative_to(site).as_posix()
    url = "" if folder == "." else folder + "/"
    return Page(url=url, html_path=html_path, article=article)


def is_redirect(html_path: Path) -> bool:
    """Whether a built page is one mkdocs-redirects wrote: a refresh, no content."""
    return '<meta http-equiv="refresh"' in html_path.read_text(encoding="utf-8")


# mkdocs-print-site-plugin's page: every chapter again, on one page, for paper.
PRINT_PAGE = "print_page"


def site_pages(site: Path) -> list[Page]:
    """Every page of a built site (its 404 page, redirects and print page left out)."""
    pages = []
    for path in sorted(site.rglob("index.html")):
        parts = path.relative_to(site).parts
        if "assets" in parts or parts[0] == PRINT_PAGE:
            continue
        if is_redirect(path):
            continue
        pages.append(read_page(site, path))
    return pages


def source_of(url: str) -> Path:
    """The Markdown file under docs/ that a page URL was built from."""
    plain = DOCS / (url.rstrip("/") + ".md")
    return plain if url and plain.exists() else DOCS / url / "index.md"


def notebook_name(url: str) -> str:
    """The file name of a page's notebook: its last URL segment, ``home`` for /."""
    segment = url.rstrip("/").rpartition("/")[2]
    return f"{segment or 'home'}.ipynb"
