"""Audit the site as readers get it; print the report and write reports/audit.md.

``python -m benchmarks.site_audit`` (``make audit``) builds the site strictly, serves
it on loopback at its deployed path, compressed as GitHub Pages serves it, and
measures each page's first load in Chromium against a budget, the search index, and
Lighthouse scores as a phone on a sample that always holds the heaviest pages and the
ones with the most main-thread work. In the same run it audits the longest page built
with MkDocs' default theme, for a ratio. ``--all`` runs Lighthouse on every page
(about half an hour); ``--suite`` also times the test suite, serial and with xdist
(about ten minutes more).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from playwright.sync_api import sync_playwright

from benchmarks import lighthouse, site_weight
from tests.browser.chromium import LAUNCH_ARGS, find_chromium
from tests.browser.pages import built_pages, deployed_url, site_prefix
from tests.browser.server import serve
from tests.site.build import build

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "reports" / "audit.md"
# Lighthouse splits --chrome-flags on spaces: leave out the resolver rule, which
# has some. Lighthouse lists every request, so one leaving the site would show.
LIGHTHOUSE_FLAGS = [flag for flag in LAUNCH_ARGS if " " not in flag]


# A reader's first view of any page, compressed, including what it fetches at once.
BUDGET_KIB = 500
# Lighthouse takes about 20 s a page: audit a sample that always holds the worst,
# by bytes and by main-thread work (what Total Blocking Time is made of: the pages
# that missed it were reference pages, neither the longest nor the heaviest).
HEAVIEST = 5
BUSIEST = 3

# The longest page's Markdown, with the guide's extensions, built with MkDocs' own
# default theme: what the theme costs, measured against the same content.
DEFAULT_THEME = """\
INHERIT: {config}
site_name: default-theme baseline
docs_dir: {docs}
theme:
  name: mkdocs
  custom_dir: {empty}
  locale: en
extra_css: []
extra_javascript: []
plugins: [search]
strict: false
watch: []
nav: [{page}]
"""


def weigh(url: str, site: Path, chromium: str) -> list[site_weight.PageWeight]:
    """Each page's first load with an empty cache, as the browser counts it."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=LAUNCH_ARGS)
        try:
            return [
                site_weight.first_load(browser, url, page) for page in built_pages(site)
            ]
        finally:
            browser.close()


def weights_section(weights: list[site_weight.PageWeight], site: Path) -> str:
    """Each page's first load and the search index, as Markdown."""
    table = site_weight.markdown(
        weights, site_weight.search_index_size(site), BUDGET_KIB
    )
    return (
        "## Page weight\n\nFirst load with an empty cache, compressed as GitHub "
        f"Pages sends it. Budget: {BUDGET_KIB} KiB a page.\n\n{table}"
    )


def sample(weights: list[site_weight.PageWeight], site: Path) -> list[str]:
    """The pages Lighthouse audits: home, the longest, the heaviest, the busiest.

    The busiest are the ones with the most elements and with the most main-thread
    work while they load.

    Returns:
        Page paths relative to the site root, ``""`` for the home page, each once.
    """
    heaviest = sorted(weights, key=lambda w: w.transferred, reverse=True)[:HEAVIEST]
    busiest = sorted(weights, key=lambda w: w.main_thread_ms, reverse=True)[:BUSIEST]
    pages = [
        "",
        site_weight.longest_page(site),
        site_weight.most_elements(site),
        *(w.page.removeprefix("(home)") for w in heaviest + busiest),
    ]
    return list(dict.fromkeys(pages))


def _cells(report: lighthouse.Report) -> str:
    return " | ".join(
        f"{round(report.scores[c] * 100)}" + ("" if report.met(c) else " (miss)")
        for c in lighthouse.TARGETS
    )


def _phone(url: str, chromium: str, *, confirm: bool) -> lighthouse.Report:
    """A page as a phone: the median of ``lighthouse.RUNS`` runs.

    With ``confirm``, one run, and the median only if that one missed a target.
    """
    if not confirm:
        return lighthouse.run_median(url, chromium, LIGHTHOUSE_FLAGS, desktop=False)
    first = lighthouse.run(url, chromium, LIGHTHOUSE_FLAGS, desktop=False)
    if all(first.met(category) for category in lighthouse.TARGETS):
        return first
    more = [
        lighthouse.run(url, chromium, LIGHTHOUSE_FLAGS, desktop=False)
        for _ in range(lighthouse.RUNS - 1)
    ]
    return lighthouse.median([first, *more])


def lighthouse_section(
    url: str, pages: list[str], chromium: str, *, every: bool = False
) -> str:
    """Lighthouse on each page as a phone, and on the first two as a desktop.

    A phone's score is the median of ``lighthouse.RUNS`` runs. With ``every`` (all
    pages), a page runs once, and again to a median only if it missed a target.
    A desktop, far from its target, runs once.
    """
    lines = [
        "| page | as | " + " | ".join(lighthouse.TARGETS) + " | machine index |",
        "|---|---|" + "---:|" * (len(lighthouse.TARGETS) + 1),
    ]
    notes = []
    missed = 0
    runs = [(page, False) for page in pages] + [(page, True) for page in pages[:2]]
    for page, desktop in runs:
        name = page or "(home)"
        try:
            if desktop:
                report = lighthouse.run(
                    url + page, chromium, LIGHTHOUSE_FLAGS, desktop=True
                )
            else:
                report = _phone(url + page, chromium, confirm=every)
        except RuntimeError as error:
            notes.append(f"- {name}: not run: {error}")
            continue
        missed += not desktop and not all(map(report.met, lighthouse.TARGETS))
        lines.append(
            f"| {name} | {report.form_factor} | {_cells(report)} "
            f"| {report.benchmark:.0f} |"
        )
        notes += [f"- {name}, {report.form_factor}: {m}" for m in report.misses]
    targets = ", ".join(f"{c} {round(t * 100)}" for c, t in lighthouse.TARGETS.items())
    if every:
        chosen = (
            f"every page ({len(pages)}). A phone's scores are one run, or the median "
            f"of {lighthouse.RUNS} where the first run missed a target"
        )
    else:
        chosen = (
            "the home page, the longest, the one with the most elements, the "
            f"{HEAVIEST} heaviest first loads and the {BUSIEST} with the most "
            f"main-thread work. A phone's scores are the median of {lighthouse.RUNS} "
            "runs"
        )
    text = (
        f"## Lighthouse {lighthouse.VERSION}\n\nTargets: {targets}. Pages: {chosen}. "
        "The machine index is Lighthouse's benchmark of this CPU in that run: "
        "it simulates a phone by slowing down the work it saw here, so a slower or "
        "busier machine (a lower index) scores the same page lower.\n\n"
    )
    text += "\n".join(lines)
    text += f"\n\n{missed} of {len(pages)} pages missed a target as a phone."
    if notes:
        text += "\n\nWhat cost points:\n\n" + "\n".join(notes)
    return text


def default_theme_section(url: str, page: str, chromium: str) -> str:
    """The longest page as a phone: this site against MkDocs' default theme."""
    source = site_weight.source_of(ROOT / "docs", page)
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "mkdocs.yml"
        (Path(tmp) / "empty").mkdir()
        settings = DEFAULT_THEME.format(
            config=ROOT / "mkdocs.yml",
            docs=ROOT / "docs",
            empty=Path(tmp) / "empty",
            page=source,
        )
        config.write_text(settings)
        done = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(config),
             "--site-dir", f"{tmp}/site"],
            cwd=ROOT, capture_output=True, text=True, check=False,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )  # fmt: skip
        if done.returncode != 0:
            return f"## Default theme\n\nNot built: {done.stderr.strip()[-300:]}"
        try:
            ours = lighthouse.run_median(
                url + page, chromium, LIGHTHOUSE_FLAGS, desktop=False
            )
            with serve(Path(tmp) / "site") as plain_url:
                plain = lighthouse.run_median(
                    plain_url + page, chromium, LIGHTHOUSE_FLAGS, desktop=False
                )
        except RuntimeError as error:
            return f"## Default theme\n\nNot run: {error}"
    ratio = ours.scores["performance"] / max(plain.scores["performance"], 0.01)
    return (
        f"## Default theme\n\n{page}, as a phone, in the same run: this site against "
        "the same Markdown and extensions built with MkDocs' default theme.\n\n"
        "| build | " + " | ".join(lighthouse.TARGETS) + " |\n"
        "|---|" + "---:|" * len(lighthouse.TARGETS) + "\n"
        f"| this site | {_cells(ours)} |\n| default theme | {_cells(plain)} |\n\n"
        f"Performance, this site / default theme: x{ratio:.2f}."
    )


def suite_section() -> str:
    """Wall time of the whole test suite, serial and with xdist, as Markdown."""
    lines = ["| run | wall time (s) | exit code |", "|---|---:|---:|"]
    for name, workers in (("serial", ["-n", "0"]), ("xdist, -n auto", ["-n", "auto"])):
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly"]
        start = time.perf_counter()
        done = subprocess.run(
            [*command, *workers],
            cwd=ROOT,
            capture_output=True,
            check=False,
        )
        lines.append(
            f"| {name} | {time.perf_counter() - start:.0f} | {done.returncode} |"
        )
    return "## Test suite\n\n" + "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    """Build, serve and audit the site; write the report."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.site_audit")
    parser.add_argument("--suite", action="store_true", help="also time the tests")
    parser.add_argument(
        "--all", action="store_true", help="Lighthouse on every page (about 30 min)"
    )
    args = parser.parse_args(argv)
    chromium = find_chromium()
    if chromium is None:
        raise SystemExit(
            "no Chromium: `sudo apt-get install chromium`, or set CHROMIUM"
        )
    with tempfile.TemporaryDirectory() as tmp:
        built = build(ROOT, Path(tmp) / "site")
        if built.returncode != 0:
            raise SystemExit(f"the strict build failed:\n{built.log}")
        with serve(built.site, site_prefix(), deployed_url()) as url:
            weights = weigh(url, built.site, chromium)
            pages = sample(weights, built.site)
            # Every page, the sample first: the desktop runs stay on its first two.
            every = list(
                dict.fromkeys(pages + [w.page.removeprefix("(home)") for w in weights])
            )
            sections = [
                weights_section(weights, built.site),
                lighthouse_section(
                    url, every if args.all else pages, chromium, every=args.all
                ),
                default_theme_section(url, pages[1], chromium),
            ]
    if args.suite:
        sections.append(suite_section())
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    header = (
        f"# Site audit\n\n{stamp}, {platform.machine()}, {os.cpu_count()} cores, "
        f"load average {load} (scores and times vary with load).\n\n"
    )
    report = header + "\n\n".join(sections) + "\n"
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(report, encoding="utf-8")
    print(report)
    print(f"written to {REPORT}")


if __name__ == "__main__":
    main()
