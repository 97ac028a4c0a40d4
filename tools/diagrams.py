"""Draw the pages' Mermaid diagrams once, as SVG, so no reader's browser has to.

Run ``python -m tools.diagrams`` (``make diagrams``) after changing a ```mermaid
fence. It renders each fence in ``docs/`` that has no render yet (``--all``: every
fence) with the vendored Mermaid in Chromium, in a light and a dark theme, into
``docs/generated/diagrams/<key>.<theme>.svg`` (the key is a hash of the fence's
text), and deletes renders no fence uses any more.

At build, ``guide_extensions.diagrams.fence`` (a pymdownx.superfences custom
fence) puts both renders of a fence inline in the page, and the site's CSS shows
the one that matches the palette. A page with a diagram therefore loads no script
to draw it, shows it without JavaScript, and the build fails if a fence changed and
was not redrawn.
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from guide_extensions import diagrams
from guide_extensions.diagrams import COMMAND, THEMES, key, render_name

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
RENDERS = ROOT / diagrams.RENDERS
MERMAID = ROOT / "tools" / "vendor" / "mermaid" / "mermaid.min.js"
# Mermaid's own theme for each of the site's palettes (default and slate).
MERMAID_THEMES = {"light": "default", "dark": "dark"}
# The site's system font stack (mkdocs.yml has `font: false`). Text is measured in
# whatever it resolves to here, DejaVu Sans on Debian: wider than most, so labels
# still fit in a reader's font.
FONT = '-apple-system, BlinkMacSystemFont, "Segoe UI", Helvetica, Arial, sans-serif'
FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```mermaid[^\n]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$",
    re.DOTALL | re.MULTILINE,
)


def render_path(source: str, theme: str) -> Path:
    """Where the render of ``source`` in ``theme`` is kept."""
    return RENDERS / render_name(source, theme)


@dataclass(frozen=True)
class Diagram:
    """One ```mermaid fence: the page it is on and its text, dedented."""

    page: Path
    source: str


def find(pages: Iterable[Path]) -> Iterator[Diagram]:
    """Every mermaid fence in ``pages``, including fences indented in admonitions."""
    for page in pages:
        for match in FENCE.finditer(page.read_text(encoding="utf-8")):
            body = textwrap.dedent(match["body"])
            yield Diagram(page, body)


def doc_pages(docs: Path = DOCS) -> list[Path]:
    """The Markdown pages under ``docs``, sorted."""
    return sorted(docs.rglob("*.md"))


# Runs in the page: Mermaid draws one diagram and returns its SVG.
_RENDER_JS = """
async ([id, text, theme, font]) => {
  mermaid.initialize({startOnLoad: false, theme: theme, fontFamily: font,
                      securityLevel: "strict", deterministicIds: true,
                      deterministicIDSeed: id, htmlLabels: false,
                      flowchart: {htmlLabels: false}});
  const {svg} = await mermaid.render(id, text);
  return svg;
}
"""


def render(sources: Sequence[str], chromium: str) -> dict[tuple[str, str], str]:
    """Draw each source in each theme; return SVG text by (key, theme).

    Raises:
        RuntimeError: Mermaid could not parse or draw a source; the message names it.
    """
    from playwright.sync_api import Error, sync_playwright

    from tests.browser.chromium import LAUNCH_ARGS

    drawn: dict[tuple[str, str], str] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=LAUNCH_ARGS)
        try:
            tab = browser.new_page()
            tab.set_content("<!doctype html><html><body></body></html>")
            tab.add_script_tag(path=str(MERMAID))
            for source in sources:
                for theme in THEMES:
                    ident = f"diagram-{key(source)}-{theme}"
                    arguments = [ident, source, MERMAID_THEMES[theme], FONT]
                    try:
                        drawn[key(source), theme] = tab.evaluate(_RENDER_JS, arguments)
                    except Error as error:
                        first = source.strip().splitlines()[0]
                        message = str(error).splitlines()[0]
                        raise RuntimeError(f"{first!r}: {message}") from None
        finally:
            browser.close()
    return drawn


def untitled(diagrams: Iterable[Diagram]) -> list[Diagram]:
    """Diagrams with no ``accTitle``: a screen reader would announce nothing."""
    return [d for d in diagrams if not re.search(r"^\s*accTitle\s*:", d.source, re.M)]


def write(
    drawn: dict[tuple[str, str], str], needed: set[Path], renders: Path = RENDERS
) -> list[Path]:
    """Write each new render; delete renders no diagram needs. Returns those written."""
    renders.mkdir(parents=True, exist_ok=True)
    written = []
    for (name, theme), svg in sorted(drawn.items()):
        path = renders / f"{name}.{theme}.svg"
        path.write_text(svg + "\n", encoding="utf-8")
        written.append(path)
    for stale in set(renders.glob("*.svg")) - needed - set(written):
        stale.unlink()
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Render the diagrams in docs/ that have no render yet; print what was done."""
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.splitlines()[0])
    parser.add_argument(
        "--all", action="store_true", help="redraw every diagram, not only new ones"
    )
    args = parser.parse_args(argv)
    from tests.browser.chromium import INSTALL, find_chromium

    chromium = find_chromium()
    if chromium is None:
        print(f"error: no Chromium. {INSTALL}", file=sys.stderr)
        return 2
    diagrams = list(find(doc_pages()))
    if missing := untitled(diagrams):
        for diagram in missing:
            where = diagram.page.relative_to(ROOT)
            print(f"error: {where}: a diagram has no accTitle line", file=sys.stderr)
        return 1
    sources = list({key(d.source): d.source for d in diagrams}.values())
    needed = {render_path(source, theme) for source in sources for theme in THEMES}
    # Renders are named by their source's hash, so one that exists is current; a
    # redraw could still move a line by a fraction of a pixel, so leave it alone.
    new = [s for s in sources if args.all or not render_path(s, THEMES[-1]).is_file()]
    try:
        written = write(render(new, chromium), needed)
    except RuntimeError as error:
        print(f"error: Mermaid could not draw {error}", file=sys.stderr)
        return 1
    where = RENDERS.relative_to(ROOT)
    print(f"{len(sources)} diagrams; {len(written)} renders written to {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
