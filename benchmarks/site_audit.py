"""Audit the site as readers get it; print the report and write reports/audit.md.

``python -m benchmarks.site_audit`` (``make audit``) builds the site strictly, serves
it on loopback at its deployed path, and measures each page's first load in Chromium,
the search index, and Lighthouse scores for the home page and the longest page, as a
phone and as a desktop. ``--suite`` also times the test suite, serial and with xdist
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


def weights_section(url: str, site: Path, chromium: str) -> str:
    """Each page's first load and the search index, as Markdown."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=LAUNCH_ARGS)
        try:
            weights = [
                site_weight.first_load(browser, url, page) for page in built_pages(site)
            ]
        finally:
            browser.close()
    table = site_weight.markdown(weights, site_weight.search_index_size(site))
    return f"## Page weight\n\nFirst load with an empty cache, compressed.\n\n{table}"


def lighthouse_section(url: str, site: Path, chromium: str) -> str:
    """Lighthouse on the home page and the longest page, as Markdown."""
    pages = ["", site_weight.longest_page(site)]
    lines = [
        "| page | as | " + " | ".join(lighthouse.TARGETS) + " |",
        "|---|---|" + "---:|" * len(lighthouse.TARGETS),
    ]
    notes = []
    for page in pages:
        for desktop in (False, True):
            try:
                report = lighthouse.run(
                    url + page, chromium, LIGHTHOUSE_FLAGS, desktop=desktop
                )
            except RuntimeError as error:
                notes.append(f"- {page or '(home)'}: not run: {error}")
                continue
            cells = [
                f"{round(report.scores[c] * 100)}"
                + ("" if report.met(c) else " (miss)")
                for c in lighthouse.TARGETS
            ]
            lines.append(f"| {page or '(home)'} | {report.form_factor} | "
                         + " | ".join(cells) + " |")  # fmt: skip
            where = f"{page or '(home)'}, {report.form_factor}"
            notes += [f"- {where}: {miss}" for miss in report.misses]
    targets = ", ".join(f"{c} {round(t * 100)}" for c, t in lighthouse.TARGETS.items())
    text = f"## Lighthouse {lighthouse.VERSION}\n\nTargets: {targets}.\n\n"
    text += "\n".join(lines)
    if notes:
        text += "\n\nWhat cost points:\n\n" + "\n".join(notes)
    return text


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
            sections = [
                weights_section(url, built.site, chromium),
                lighthouse_section(url, built.site, chromium),
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
