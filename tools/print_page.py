"""Mend the footnotes of the print page, the whole guide on one page (print_page/).

mkdocs-print-site-plugin (2.9) gives each page's ids a prefix, so that ids from
different pages cannot collide, and rewrites the links to them. It finds the ids
with a regular expression that reads a tag's name as everything up to the next
space: in ``word.<sup id="fnref:x">`` it reads ``p>word.<sup`` and leaves the id
alone. The footnote's back link then points to ``#<page>-fnref:x``, which does
not exist, and the same bare ``fnref:x`` appears on several pages.

The API reference is left out of the page (mkdocs.yml), and the plugin turns a
link to one of its pages into an anchor that is not there
(``#reference-churn-registry``).

``python -m tools.print_page site`` (part of ``make build``) gives those ids the
prefix of the page section they are in, and points each link to the reference at
its page on the site. tests/site/test_print.py checks every link of the page.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bs4 import BeautifulSoup

PAGE = Path("print_page") / "index.html"
# The reference's page keys: its paths with "/" as "-" (module names have no "-").
REFERENCE = "reference"


def _mend_footnotes(soup: BeautifulSoup) -> int:
    mended = 0
    for ref in soup.select('sup[id^="fnref"]'):
        # Chapters' sections sit inside their part's: the nearest one is the page.
        section = ref.find_parent("section", class_="print-page")
        if section is not None and section.get("id"):
            ref["id"] = f"{section['id']}-{ref['id']}"
            mended += 1
    return mended


def _mend_reference_links(soup: BeautifulSoup) -> int:
    ids = {element["id"] for element in soup.select("[id]")}
    mended = 0
    for link in soup.select(f'a[href^="#{REFERENCE}"]'):
        key = link["href"][1:]
        if key not in ids:
            link["href"] = "../" + key.replace("-", "/") + "/"
            mended += 1
    return mended


def mend(html: str) -> tuple[str, int]:
    """The print page with its footnotes and reference links mended; and how many."""
    soup = BeautifulSoup(html, "html.parser")
    mended = _mend_footnotes(soup) + _mend_reference_links(soup)
    return (str(soup), mended) if mended else (html, 0)


def main(argv: list[str] | None = None) -> None:
    """Mend ``<site>/print_page/index.html`` in place."""
    (site,) = sys.argv[1:] if argv is None else argv
    path = Path(site) / PAGE
    html, mended = mend(path.read_text(encoding="utf-8"))
    path.write_text(html, encoding="utf-8")
    print(f"mended {mended} footnote references and reference links on {PAGE}")


if __name__ == "__main__":
    main()
