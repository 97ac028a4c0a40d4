"""A Python-Markdown extension: give every table body row an anchor to link to.

Listed in mkdocs.yml as ``guide_extensions.table_rows``. Each ``<tr>`` in a table
body gets an ``id`` made from its first cell, e.g. ``row-data-validation``, so a search
result, a bookmark or a chat message can point at one row of a comparison table;
the site's CSS and ``tables.js`` highlight the row a link arrives at. Ids are
unique on the page: a repeated first cell gets ``-2``, ``-3``.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET

from markdown import Markdown, util
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

PREFIX = "row-"


def slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens: ``"R, A: x"`` is ``"r-a-x"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "row"


# Inline HTML and some inline code wait in Markdown's stash until the page is
# serialised; a placeholder stands in the tree meanwhile.
STASHED = re.compile(util.HTML_PLACEHOLDER % r"(\d+)")


class RowAnchors(Treeprocessor):
    """Set an ``id`` on each body row of each table that has none."""

    def _text(self, element: ET.Element) -> str:
        """The element's text as the reader sees it, stashed pieces included."""
        blocks = self.md.htmlStash.rawHtmlBlocks

        def unstash(match: re.Match[str]) -> str:
            block = blocks[int(match[1])]
            raw = block if isinstance(block, str) else "".join(block.itertext())
            return re.sub(r"<[^>]+>", "", raw)

        return STASHED.sub(unstash, "".join(element.itertext()))

    def run(self, root: ET.Element) -> None:
        """Walk the page's tables in order, numbering repeated ids."""
        taken = {e.get("id") for e in root.iter() if e.get("id")}
        for row in root.iter("tr"):
            cells = list(row)
            if row.get("id") or not cells or cells[0].tag != "td":
                continue  # a header row, or an id someone chose
            base = PREFIX + slug(self._text(cells[0]))
            ident, number = base, 1
            while ident in taken:
                number += 1
                ident = f"{base}-{number}"
            taken.add(ident)
            row.set("id", ident)


class TableRowsExtension(Extension):
    """Register :class:`RowAnchors` after the table and attribute-list processors."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Add the row anchors late, once tables and attribute lists are built."""
        md.treeprocessors.register(RowAnchors(md), "table_rows", 4)


def makeExtension(**kwargs: object) -> TableRowsExtension:
    """The entry point Python-Markdown calls for ``guide_extensions.table_rows``."""
    return TableRowsExtension(**kwargs)
