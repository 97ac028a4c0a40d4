"""Tell the browser how tall each highlighted code block is before it draws it.

code-blocks.css lets a phone skip laying out a code block until it nears the screen
(``content-visibility: auto``); until then the block takes the height that
``contain-intrinsic-block-size`` estimates. A fixed estimate is wrong for almost
every block, and when a block near the top is drawn at its real height, the text
under it jumps: a layout shift, which Lighthouse scores. This extension writes each
block's line count on it (``style="--lines: N"``), and the stylesheet turns that
into the block's real height. Code blocks do not wrap, so lines are exact.
"""

from __future__ import annotations

import re

from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor

# A highlighted block as pymdownx.highlight writes it, up to the end of its code.
BLOCK = re.compile(
    r'<div class="(?P<classes>(?:[^"]*\s)?highlight(?:\s[^"]*)?)"(?P<attrs>[^>]*)>'
    r"(?P<body>.*?<code[^>]*>(?P<code>.*?)</code>)",
    re.DOTALL,
)


def lines(code: str) -> int:
    """How many lines ``code`` (a block's HTML, tags included) shows."""
    return code.count("\n") + (0 if code.endswith("\n") else 1)


def _mark(match: re.Match[str]) -> str:
    if "style=" in match["attrs"]:  # the block sets its own style: leave it alone
        return match[0]
    count = lines(match["code"])
    return (
        f'<div class="{match["classes"]}"{match["attrs"]} style="--lines: {count}">'
        f"{match['body']}"
    )


class CodeHeights(Postprocessor):
    """Write each highlighted block's line count on it, once the page is HTML."""

    def run(self, text: str) -> str:
        """The page's HTML with ``--lines`` set on every highlighted block."""
        return BLOCK.sub(_mark, text)


class CodeHeightsExtension(Extension):
    """Register :class:`CodeHeights` after raw HTML (the highlighted blocks) is back."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Run after the raw HTML postprocessor (priority 30) puts the blocks back."""
        md.postprocessors.register(CodeHeights(md), "code_heights", 5)


def makeExtension(**kwargs: object) -> CodeHeightsExtension:
    """The entry point Python-Markdown calls for ``guide_extensions.code_heights``."""
    return CodeHeightsExtension(**kwargs)
