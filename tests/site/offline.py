"""Find what built HTML and CSS would make a browser load from another origin."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

# Attributes whose value the browser fetches as soon as the page loads.
LOADING_ATTRS = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
}
# <link rel=...> values that fetch; canonical, alternate, next, prev only name a URL.
LOADING_RELS = {
    "stylesheet", "preload", "modulepreload", "prefetch", "preconnect",
    "dns-prefetch", "icon", "apple-touch-icon", "manifest",
}  # fmt: skip
EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""", re.IGNORECASE)


def is_external(url: str) -> bool:
    """True for an absolute URL with a host, e.g. https://cdn.example/x.js or //x."""
    return bool(EXTERNAL.match(url))


def external_in_css(css: str) -> list[str]:
    """External URLs that CSS text would load (url(...) and @import)."""
    return [url for url in CSS_URL.findall(css) if is_external(url)]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        names = LOADING_ATTRS.get(tag, ())
        if tag == "link" and LOADING_RELS & set(values.get("rel", "").lower().split()):
            names = ("href",)
        for name in names:
            urls = values.get(name, "")
            candidates = [u.split()[0] for u in urls.split(",") if u.split()]
            self.found += [f"<{tag} {name}={u}>" for u in candidates if is_external(u)]
        self.found += [
            f"<{tag} style> {u}" for u in external_in_css(values.get("style", ""))
        ]
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.found += [f"<style> {u}" for u in external_in_css(data)]


def external_in_html(html: str) -> list[str]:
    """Describe each element or style in an HTML page that loads from another origin."""
    collector = _Collector()
    collector.feed(html)
    return collector.found


def external_references(site: Path) -> dict[str, list[str]]:
    """Map each built HTML or CSS file to what it loads from other origins."""
    problems: dict[str, list[str]] = {}
    for path in sorted(site.rglob("*")):
        if path.suffix == ".html":
            found = external_in_html(path.read_text(encoding="utf-8"))
        elif path.suffix == ".css":
            found = external_in_css(path.read_text(encoding="utf-8"))
        else:
            continue
        if found:
            problems[str(path.relative_to(site))] = found
    return problems
