"""What a reader downloads: each page's first load, and the search index."""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Request


@dataclass(frozen=True)
class PageWeight:
    """One page opened with an empty cache: bytes on the wire and requests made.

    ``main_thread_ms`` is the time the page's main thread spent in tasks while it
    loaded (Chromium's TaskDuration): parsing, style, layout and scripts, the work
    that Lighthouse's Total Blocking Time is made of, unthrottled.
    """

    page: str
    transferred: int
    requests: int
    largest: str
    main_thread_ms: float = 0.0


def first_load(browser: Browser, site_url: str, page: str) -> PageWeight:
    """Open ``page`` in a fresh context (empty cache) and add up what it fetched.

    Transferred bytes are response headers plus the body as sent (compressed), as
    a browser's network panel counts them, once the network has gone quiet. The
    search index is not part of it: Pagefind loads only when the reader searches.
    """
    context = browser.new_context()
    finished: list[Request] = []
    context.on("requestfinished", lambda request: finished.append(request))
    try:
        tab = context.new_page()
        devtools = context.new_cdp_session(tab)
        devtools.send("Performance.enable")
        tab.goto(site_url + page)
        tab.wait_for_load_state("networkidle")
        metrics = devtools.send("Performance.getMetrics")["metrics"]
        seconds = next(m["value"] for m in metrics if m["name"] == "TaskDuration")
        sizes = {}
        for request in finished:
            size = request.sizes()
            sizes[request.url] = size["responseBodySize"] + size["responseHeadersSize"]
    finally:
        context.close()
    largest = max(sizes, key=sizes.__getitem__).removeprefix(site_url)
    return PageWeight(
        page or "(home)", sum(sizes.values()), len(finished), largest, seconds * 1000
    )


# What Pagefind fetches before the first result, whatever the query.
SEARCH_ENTRY = ("pagefind.js", "pagefind-entry.json", "wasm.en.pagefind")


def search_index_size(site: Path) -> tuple[int, int]:
    """The search index: all of it on disk, and its entry files gzip-compressed.

    A search fetches the entry files and then only the index chunks and page
    fragments its words need, so the entry is the fixed cost of a first search.
    """
    folder = site / "pagefind"
    index = [p for p in folder.rglob("*") if p.is_file() and "-ui" not in p.name]
    entry = [folder / name for name in SEARCH_ENTRY] + list(folder.glob("*.pf_meta"))
    on_disk = sum(p.stat().st_size for p in index)
    return on_disk, sum(len(gzip.compress(p.read_bytes(), mtime=0)) for p in entry)


def _article_text(html: str) -> str:
    start = html.find("<article")
    body = html[start : html.find("</article>", start)] if start != -1 else ""
    body = re.sub(r"<(svg|script|style)\b.*?</\1>", "", body, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


def longest_page(site: Path) -> str:
    """The page with the most words in its article ("" for the home page)."""
    words = {}
    for page in site.rglob("index.html"):
        name = page.parent.relative_to(site).as_posix()
        words[name] = len(_article_text(page.read_text("utf-8")).split())
    worst = max(sorted(words), key=words.__getitem__)
    return "" if worst == "." else worst + "/"


def most_elements(site: Path) -> str:
    """The page whose built HTML has the most elements ("" for the home page)."""
    counts = {}
    for page in site.rglob("index.html"):
        if 'http-equiv="refresh"' in page.read_text("utf-8")[:2000]:
            continue  # a redirect left by mkdocs-redirects
        counts[page.parent.relative_to(site).as_posix()] = _elements(page)
    worst = max(sorted(counts), key=counts.__getitem__)
    return "" if worst == "." else worst + "/"


def _elements(page: Path) -> int:
    return len(re.findall(r"<[a-zA-Z]", page.read_text("utf-8")))


def source_of(docs: Path, page: str) -> str:
    """The source file, relative to ``docs``, that a page URL was built from."""
    stem = page.rstrip("/") or "index"
    for candidate in (f"{stem}.md", f"{stem}/index.md", f"{stem}.ipynb"):
        if (docs / candidate).is_file():
            return candidate
    raise FileNotFoundError(f"no source in {docs} for {page!r}")


def kib(size: int) -> str:
    """A byte count in KiB with one decimal, e.g. ``"12.3"``."""
    return f"{size / 1024:,.1f}"


def markdown(
    weights: list[PageWeight], index: tuple[int, int], budget_kib: int = 0
) -> str:
    """A table of first loads, heaviest first, and the search index's size.

    With ``budget_kib``, a page that transfers more is marked "(over)" and the table
    is followed by how many pages are.
    """
    lines = [
        "| page | transferred (KiB) | requests | largest download | main thread (ms) |",
        "|---|---:|---:|---|---:|",
    ]
    over = 0
    for weight in sorted(weights, key=lambda w: w.transferred, reverse=True):
        mark = ""
        if budget_kib and weight.transferred > budget_kib * 1024:
            mark, over = " (over)", over + 1
        lines.append(
            f"| {weight.page} | {kib(weight.transferred)}{mark} | {weight.requests} "
            f"| {weight.largest} | {weight.main_thread_ms:.0f} |"
        )
    if budget_kib:
        lines.append(f"\n{over} of {len(weights)} pages over {budget_kib} KiB.")
    raw, compressed = index
    lines.append(
        f"\nSearch index (Pagefind): {kib(raw)} KiB on disk, none of it fetched until "
        f"the reader searches; a first search fetches {kib(compressed)} KiB of entry "
        "files compressed, then only the chunks its words need."
    )
    return "\n".join(lines)
