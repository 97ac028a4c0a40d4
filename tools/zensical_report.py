"""What Zensical builds differently from MkDocs, from the same mkdocs.yml.

``python -m tools.zensical_report <mkdocs site> <zensical site> [<zensical log>]``
compares two builds of the guide and prints a Markdown report: the pages and files
only one of them has, and, page by page, the parts of the guide a page holds in one
build and not the other (the glossary's tooltips, table row anchors, drawn diagrams,
run boxes, the print button, the search marks, the API reference's objects). With
the log of ``zensical build``, it also quotes what Zensical said about the
configuration (settings it rejects or ignores), leaving out its progress lines. The
zensical workflow (.github/workflows/zensical.yml) writes it to the run's
summary; it never fails a build, since the differences are what it is for.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup

# The parts of a page that come from the guide's configuration, by CSS selector.
PARTS = {
    "glossary tooltips (abbr)": "article abbr[title]",
    "table row anchors (table_rows)": 'article tr[id^="row-"]',
    "drawn diagrams (diagrams)": "article figure.diagram svg",
    '"Run this page\'s code" boxes': "article .run-this-page",
    "exercise boxes": "article .check-your-answer",
    "print button (print-site)": 'a.md-content__button[href*="print_page"]',
    "search marks (overrides/main.html)": "[data-pagefind-body]",
    "API objects (mkdocstrings)": "article .doc-object",
    '"last verified" line': "#last-verified",
    "notebook cells (mkdocs-jupyter)": "article .jp-Cell",
}
# What zensical build prints on every run, which says nothing about the guide.
PROGRESS = ("Build started", "Build finished", "No issues found")
# Files other than pages that a plugin writes.
FILES = ["llms.txt", "llms-full.txt", "print_page/index.html", "objects.inv"]


@dataclass
class Report:
    """Where the two builds differ."""

    only_mkdocs: list[str] = field(default_factory=list)
    only_zensical: list[str] = field(default_factory=list)
    files: dict[str, tuple[bool, bool]] = field(default_factory=dict)
    # part -> pages where MkDocs' build has more of it than Zensical's, and fewer
    parts: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)

    @property
    def same(self) -> bool:
        """Whether no difference was found."""
        return not (
            self.only_mkdocs
            or self.only_zensical
            or any(a != b for a, b in self.files.values())
            or any(more or fewer for more, fewer in self.parts.values())
        )


def pages(site: Path) -> set[str]:
    """The HTML pages of a built site, as paths relative to it."""
    return {
        path.relative_to(site).as_posix()
        for path in site.rglob("*.html")
        if "assets" not in path.relative_to(site).parts
    }


def counts(html: str) -> dict[str, int]:
    """How many of each part one page holds."""
    soup = BeautifulSoup(html, "html.parser")
    return {name: len(soup.select(selector)) for name, selector in PARTS.items()}


def compare(mkdocs: Path, zensical: Path) -> Report:
    """Compare a site built by MkDocs with one built by Zensical."""
    ours, theirs = pages(mkdocs), pages(zensical)
    report = Report(sorted(ours - theirs), sorted(theirs - ours))
    report.files = {
        n: ((mkdocs / n).is_file(), (zensical / n).is_file()) for n in FILES
    }
    report.parts = {name: ([], []) for name in PARTS}
    for page in sorted(ours & theirs):
        a = counts((mkdocs / page).read_text(encoding="utf-8"))
        b = counts((zensical / page).read_text(encoding="utf-8"))
        for name in PARTS:
            if a[name] > b[name]:
                report.parts[name][0].append(page)
            elif a[name] < b[name]:
                report.parts[name][1].append(page)
    return report


def _listed(pages: Iterable[str], most: int = 8) -> str:
    shown = list(pages)
    text = ", ".join(f"`{p}`" for p in shown[:most])
    return text + (f" and {len(shown) - most} more" if len(shown) > most else "")


def messages(log: str) -> list[str]:
    """What Zensical said in its build log, beyond its progress lines."""
    return [
        line.rstrip()
        for line in log.splitlines()
        if line.strip() and not line.strip().startswith(PROGRESS)
    ]


def markdown(report: Report, version: str = "", said: list[str] | None = None) -> str:
    """The report as Markdown, for a workflow run's summary."""
    lines = [
        f"## Zensical {version} against MkDocs, same mkdocs.yml".replace("  ", " ")
    ]
    if said:
        lines += ["", "What Zensical said about the configuration:", "", "```text"]
        lines += [*said, "```"]
    if report.same:
        return "\n".join([*lines, "", "No difference found."]) + "\n"
    lines += ["", "| | MkDocs | Zensical |", "|---|---|---|"]
    lines.append(f"| pages only this build has | {len(report.only_mkdocs)} "
                 f"| {len(report.only_zensical)} |")  # fmt: skip
    for name, (a, b) in report.files.items():
        if a != b:
            lines.append(
                f"| `{name}` | {'yes' if a else 'no'} | {'yes' if b else 'no'} |"
            )
    if report.only_mkdocs:
        lines += ["", f"Pages Zensical does not build: {_listed(report.only_mkdocs)}."]
    if report.only_zensical:
        lines += ["", f"Pages only Zensical builds: {_listed(report.only_zensical)}."]
    for name, (more, fewer) in report.parts.items():
        if more:
            lines += ["", f"Fewer {name} with Zensical on {len(more)} pages: "
                      f"{_listed(more)}."]  # fmt: skip
        if fewer:
            lines += ["", f"More {name} with Zensical on {len(fewer)} pages: "
                      f"{_listed(fewer)}."]  # fmt: skip
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    """Print the report; append it to the run's summary when there is one."""
    args = [Path(arg) for arg in (sys.argv[1:] if argv is None else argv)]
    mkdocs, zensical, *log = args
    for site in (mkdocs, zensical):
        if not (site / "index.html").is_file():
            raise SystemExit(f"{site} holds no built site")
    said = messages(log[0].read_text(encoding="utf-8")) if log else []
    version = os.environ.get("ZENSICAL_VERSION", "")
    text = markdown(compare(mkdocs, zensical), version, said)
    print(text)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as out:
            out.write(text)


if __name__ == "__main__":
    main()
