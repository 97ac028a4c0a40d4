"""What the browser tests check on a page, as functions that return the problems found.

Each returns a list of readable problems, empty when the page is fine, so a failing
test prints every problem at once; tests/browser/test_checks_fail.py feeds each of
them a broken page to prove it finds what it must.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from axe_playwright_python.base import AXE_SCRIPT  # axe-core, bundled
from playwright.sync_api import (
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Response,
    WebError,
)

# Impacts that fail a page; axe-core also reports "moderate" and "minor".
BLOCKING_IMPACTS = {"serious", "critical"}
# Schemes that never leave the browser.
LOCAL_SCHEMES = {"data", "blob", "about"}


@dataclass
class Recorder:
    """Everything a browser context requested and complained about while recorded."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> None:
        """Record the requests, failures and errors of every page in ``context``."""
        context.on("request", self._on_request)
        context.on("requestfailed", self._on_failed)
        context.on("response", self._on_response)
        context.on("console", self._on_console)
        context.on("weberror", self._on_uncaught)

    def _on_request(self, request: Request) -> None:
        self.requests.append(request.url)

    def _on_failed(self, request: Request) -> None:
        self.failed_requests.append(f"{request.url} ({request.failure})")

    def _on_response(self, response: Response) -> None:
        if response.status >= 400:
            self.failed_requests.append(f"{response.url} (HTTP {response.status})")

    def _on_uncaught(self, error: WebError) -> None:
        self.console_errors.append(f"uncaught {error.error}")

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location
            self.console_errors.append(
                f"{message.text} ({where['url']}:{where['lineNumber']})"
            )


def origin(url: str) -> str:
    """The scheme, host and port of ``url``, e.g. ``http://127.0.0.1:8000``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def foreign_requests(requests: list[str], site_url: str) -> list[str]:
    """The requests that leave the site's origin: what breaks offline, or tracks."""
    home = origin(site_url)
    return [
        url
        for url in requests
        if urlsplit(url).scheme not in LOCAL_SCHEMES and origin(url) != home
    ]


def load_problems(recorder: Recorder, site_url: str) -> list[str]:
    """Console errors, failed requests and requests to other origins, in one list."""
    return (
        [f"console error: {text}" for text in recorder.console_errors]
        + [f"failed request: {text}" for text in recorder.failed_requests]
        + [f"request to another origin: {url}" for url in foreign_requests(
            recorder.requests, site_url
        )]
    )  # fmt: skip


def broken_links(page: Page, site_url: str, site: Path) -> list[str]:
    """Links on the page into the site whose target was not built."""
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    prefix = urlsplit(site_url).path
    broken = []
    for href in sorted(set(hrefs)):
        parts = urlsplit(href)
        if origin(href) != origin(site_url) or not parts.path.startswith(prefix):
            continue  # external links and javascript: are for the link checker
        target = site / parts.path[len(prefix) :]
        if parts.path.endswith("/"):
            target = target / "index.html"
        if not target.is_file():
            broken.append(href)
    return broken


# Code blocks hold thousands of tokens in a handful of styles, and axe-core's contrast
# check costs about a millisecond per element. Tokens that look alike on the same
# background have the same contrast, so one of each is checked; the others are
# marked here and left out of that rule (and only that rule).
_MARK_REPEATED_TOKENS = """() => {
  const seen = new Set();
  const transparent = "rgba(0, 0, 0, 0)";
  document.querySelectorAll("pre span").forEach((token) => {
    const style = getComputedStyle(token);
    const backgrounds = [];
    for (let el = token; el; el = el.parentElement) {
      const background = getComputedStyle(el).backgroundColor;
      if (background !== transparent) backgrounds.push(background);
      if (background.startsWith("rgb(")) break;  // opaque: nothing shows through
    }
    const key = [style.color, style.fontSize, style.fontWeight, style.opacity,
      style.textShadow, ...backgrounds].join("|");
    if (seen.has(key)) token.setAttribute("data-axe-repeat", "");
    seen.add(key);
  });
}"""
_RUN_AXE = """() => {
  const sampled = {id: "color-contrast", selector: "*:not([data-axe-repeat])"};
  axe.configure({rules: [sampled]});
  return axe.run({resultTypes: ["violations"]});
}"""


def accessibility_problems(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now."""
    page.evaluate(AXE_SCRIPT)
    page.evaluate(_MARK_REPEATED_TOKENS)
    results = page.evaluate(_RUN_AXE)
    problems = []
    for violation in results["violations"]:
        if violation["impact"] not in BLOCKING_IMPACTS:
            continue
        nodes = violation["nodes"]
        example = nodes[0]["target"][-1]
        problems.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']}; "
            f"{len(nodes)} element(s), e.g. {example}"
        )
    return problems


# Run in the page: how far the document is wider than the screen, and which tables
# stick out of the screen without an ancestor that scrolls sideways to hold them.
_LAYOUT_JS = """() => {
  const width = window.innerWidth;
  const scrolls = (el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX)
    && el.getBoundingClientRect().right <= width + 1;
  const loose = [];
  document.querySelectorAll("article table").forEach((table, index) => {
    if (table.getBoundingClientRect().right <= width + 1) return;
    let el = table;
    while (el && !scrolls(el)) el = el.parentElement;
    if (!el) loose.push(`table ${index + 1}: ${table.rows[0].innerText.slice(0, 60)}`);
  });
  return {
    overflow: document.documentElement.scrollWidth - width,
    width: width,
    loose: loose,
  };
}"""


def layout_problems(page: Page) -> list[str]:
    """Sideways scrolling of the whole page, and tables that do not scroll in a box."""
    width = (page.viewport_size or {"width": 0})["width"]
    layout = page.evaluate(_LAYOUT_JS)
    problems = [f"table not inside a scrolling box: {t}" for t in layout["loose"]]
    if layout["width"] > width:
        problems.append(f"the layout is {layout['width']} px wide, not {width}")
    if layout["overflow"] > 0:
        problems.append(f"the page scrolls sideways by {layout['overflow']} px")
    return problems


# A phone in CSS pixels (iPhone 12 to 15); Material's layout follows the width.
PHONE = {"width": 390, "height": 844}


@dataclass(frozen=True)
class Visit:
    """The problems one visit of a page found, by check; each list empty when fine."""

    load: list[str]
    links: list[str]
    accessibility: list[str]
    phone: list[str]


def visit(
    context: BrowserContext,
    recorder: Recorder,
    site_url: str,
    page_path: str,
    site: Path,
    *,
    axe: bool = True,
) -> Visit:
    """Open a page as a reader would and run every check on it.

    Args:
        context: A fresh browser context, recorded by ``recorder``.
        recorder: What records the context's requests and console.
        site_url: The root URL the site is served at, e.g. ``http://127.0.0.1:1/guide/``.
        page_path: The page under it, e.g. ``roles/`` ("" for the home page).
        site: The served site's folder, to check links against.
        axe: Whether to run axe-core, the slowest check.
    """
    page = context.new_page()
    page.goto(site_url + page_path)
    links = broken_links(page, site_url, site)
    accessibility = accessibility_problems(page) if axe else []
    # Late requests (search index, sitemap) are done by the time axe is.
    page.wait_for_load_state("networkidle")
    load = load_problems(recorder, site_url)
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    page.evaluate("() => new Promise(requestAnimationFrame)")
    return Visit(load, links, accessibility, layout_problems(page))
