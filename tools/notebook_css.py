"""Give the notebook pages one shared stylesheet, trimmed to the rules they can use.

Run after ``mkdocs build`` (``make build`` does): ``python -m tools.notebook_css site``.
mkdocs-jupyter (0.26) writes JupyterLab's whole stylesheet, about 575 KB, into the
body of every notebook page, so a phone downloads and parses it before it can paint
the page, and again on the next notebook page. This step takes those ``<style>``
elements out of each notebook page and writes what they hold, in the same order,
to one file linked at the end of ``<head>``: the same place in the cascade, after
the theme's stylesheets. It keeps a rule only if a notebook page can match it:
every class its selector requires is on some element of those pages.

It also drops the module script mkdocs-jupyter adds to render Mermaid cells from a
CDN: the guide's notebooks have no Mermaid cell, and no page reaches the network.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path

import tinycss2
from tinycss2.ast import AtRule, LiteralToken, Node, QualifiedRule

from tools.pages import PRINT_PAGE

STYLESHEET = "assets/stylesheets/jupyter.css"
# How mkdocs-jupyter's output begins: a page holding it is a notebook page.
WRAPPER = '<div class="jupyter-wrapper">'
STYLE = re.compile(r"<style[^>]*>(.*?)</style>\s*", re.DOTALL)
CLASSES = re.compile(r'\bclass="([^"]*)"')
MERMAID = re.compile(
    r'<script type="module">(?:(?!</script>).)*?cdnjs\.cloudflare\.com'
    r".*?</script>\s*",
    re.DOTALL,
)
NAME = re.compile(r"[A-Za-z_][\w-]*")
VAR = re.compile(r"var\(\s*(--[\w-]+)")  # a custom property read
# At-rules holding rules of their own: trimmed inside, dropped when left empty.
GROUPS = {"media", "supports", "layer", "container"}


def required_classes(selector: list[Node]) -> set[str]:
    """The classes an element must have for ``selector`` to match it.

    Only classes outside functions count: ``:not(.x)`` matches without ``x``.
    """
    found = set()
    for before, token in itertools.pairwise(selector):
        if before == "." and token.type == "ident":
            found.add(token.value)
    return found


def _selectors(prelude: list[Node]) -> Iterable[list[Node]]:
    """The comma-separated selectors of a rule's prelude."""
    current: list[Node] = []
    for token in prelude:
        if isinstance(token, LiteralToken) and token == ",":
            yield current
            current = []
        elif token.type not in {"whitespace", "comment"}:
            current.append(token)
    yield current


def _can_match(selector: list[Node], present: set[str]) -> bool:
    """Whether ``selector`` can match an element of the notebook pages."""
    if not required_classes(selector) <= present:
        return False
    # :root is the html element: after a combinator (".jupyter-wrapper :root",
    # as mkdocs-jupyter scopes Lab's variables) it matches nothing.
    roots = [
        i
        for i, (before, token) in enumerate(itertools.pairwise(selector))
        if before == ":" and token.type == "ident" and token.lower_value == "root"
    ]
    return all(i == 0 for i in roots)


def _rules(css: str, present: set[str]) -> list[str]:
    """The rules of ``css`` that can match, each serialized, at-rule groups trimmed."""
    kept = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True):
        if isinstance(rule, QualifiedRule):
            if any(_can_match(s, present) for s in _selectors(rule.prelude)):
                kept.append(rule.serialize())
        elif isinstance(rule, AtRule):
            keyword = rule.lower_at_keyword
            if keyword == "charset":
                continue
            if keyword in GROUPS and rule.content is not None:
                inner = trim(tinycss2.serialize(rule.content), present)
                if inner:
                    prelude = tinycss2.serialize(rule.prelude)
                    kept.append(f"@{rule.at_keyword}{prelude}{{{inner}}}")
            else:
                kept.append(rule.serialize())
    return kept


def trim(css: str, present: set[str]) -> str:
    """The rules of ``css`` that can match an element with classes from ``present``.

    A rule is kept whole if any one of its selectors can match; at-rules other
    than groups (``@font-face``, ``@keyframes``) are kept, ``@charset`` dropped
    (a linked file is read as UTF-8, and a ``<style>`` ignores it anyway). Of two
    identical rules only the later is kept: it is the one that wins.
    """
    kept = _rules(css, present)
    last = {rule: i for i, rule in enumerate(kept)}
    return "\n".join(rule for i, rule in enumerate(kept) if last[rule] == i)


def drop_unused_variables(css: str, pages: str = "", prefix: str = "--jp-") -> str:
    """``css`` without the custom properties named ``prefix...`` that nothing reads.

    A variable is read if a ``var()`` names it in ``pages`` (their inline styles)
    or in a declaration that is kept; one variable's value may read another, so
    this repeats until nothing changes.
    JupyterLab's variables start with ``--jp-``; the theme's (``--md-``) are read
    by the theme's own stylesheet, so they are left alone.
    """
    rules = tinycss2.parse_stylesheet(css, skip_comments=True)
    used = set(VAR.findall(pages))
    while True:
        text = _without_variables(rules, prefix, used)
        found = set(VAR.findall(text))
        if found <= used:
            return text
        used |= found


def _without_variables(rules: list[Node], prefix: str, used: set[str]) -> str:
    out = []
    for rule in rules:
        if isinstance(rule, QualifiedRule):
            declarations = [
                d
                for d in tinycss2.parse_declaration_list(
                    rule.content, skip_comments=True, skip_whitespace=True
                )
                if not (d.type == "declaration" and d.name.startswith(prefix))
                or d.name in used
            ]
            if declarations:
                body = ";".join(d.serialize() for d in declarations)
                out.append(f"{tinycss2.serialize(rule.prelude).strip()}{{{body}}}")
        elif (
            isinstance(rule, AtRule)
            and rule.lower_at_keyword in GROUPS
            and rule.content
        ):
            inner = tinycss2.parse_rule_list(rule.content, skip_comments=True)
            body = _without_variables(inner, prefix, used)
            if body:
                out.append(
                    f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{body}}}"
                )
        elif rule.type != "whitespace":
            out.append(rule.serialize())
    return "\n".join(out)


def notebook_pages(site: Path) -> list[Path]:
    """The built pages that hold a converted notebook."""
    return sorted(
        path
        for path in site.rglob("*.html")
        if WRAPPER in path.read_text(encoding="utf-8")
    )


def scripted_classes(site: Path) -> set[str]:
    """Every name the site's scripts spell, any of which may be a class they add.

    The theme's bundle adds classes as pages load (tables get wrapped in
    ``md-typeset__scrollwrap``); a rule for one of them must stay.
    """
    return {
        name
        for script in (site / "assets").rglob("*.js")
        for name in NAME.findall(script.read_text(encoding="utf-8", errors="replace"))
    }


def split(html: str) -> tuple[str, list[str]]:
    """A notebook page without its body's ``<style>`` elements, and what they held."""
    head, body = html.split("<body", 1)
    styles = [match[1] for match in STYLE.finditer(body)]
    return head + "<body" + MERMAID.sub("", STYLE.sub("", body)), styles


def without_styles(html: str, blocks: set[str]) -> str:
    """``html`` without the body's ``<style>`` elements that hold one of ``blocks``."""
    head, body = html.split("<body", 1)
    body = STYLE.sub(lambda found: "" if found[1] in blocks else found[0], body)
    return head + "<body" + MERMAID.sub("", body)


def link(html: str, page: Path, site: Path) -> str:
    """``html`` with the shared stylesheet linked last in its head."""
    href = Path(os.path.relpath(site / STYLESHEET, page.parent)).as_posix()
    return html.replace("</head>", f'<link rel="stylesheet" href="{href}">\n</head>', 1)


def main(argv: list[str] | None = None) -> int:
    """Move the notebook pages' styles into the shared stylesheet."""
    parser = argparse.ArgumentParser(prog="python -m tools.notebook_css")
    parser.add_argument("site", type=Path, help="the built site (mkdocs build)")
    site = parser.parse_args(argv).site
    pages = notebook_pages(site)
    printed = [page for page in pages if page.relative_to(site).parts[0] == PRINT_PAGE]
    blocks: dict[str, None] = {}  # each distinct block once, in page order
    htmls = []
    for page in pages:
        if page in printed:
            continue
        html, styles = split(page.read_text(encoding="utf-8"))
        blocks.update(dict.fromkeys(styles))
        htmls.append(html)
        page.write_text(link(html, page, site), encoding="utf-8")
    # The print page holds the notebooks too, among every other page's content:
    # only the notebooks' styles move to the shared file, and what it keeps is
    # what the notebook pages use. The rest (the diagrams' own) stays in place.
    for page in printed:
        html = without_styles(page.read_text(encoding="utf-8"), set(blocks))
        page.write_text(link(html, page, site), encoding="utf-8")
    text = "\n".join(htmls)
    present = {name for value in CLASSES.findall(text) for name in value.split()}
    present |= scripted_classes(site)
    css = drop_unused_variables(trim("\n".join(blocks), present), text)
    (site / STYLESHEET).write_text(css + "\n", encoding="utf-8")
    print(f"{len(pages)} notebook pages share {STYLESHEET} ({len(css) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
