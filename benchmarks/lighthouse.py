"""Lighthouse scores for a page, and the audits behind any score under its target.

Lighthouse runs through ``npx`` at a pinned version, so neither package.json nor
``make vendor`` changes; it drives Debian's Chromium with the browser tests' flags.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

VERSION = "12.2.3"
# Scores vary from run to run with the machine's load; Lighthouse's guide to
# variability (docs/variability.md) says to run several times and take the median.
RUNS = 3
# Score targets out of 1, from the guide's budget (issue 8).
TARGETS = {
    "performance": 0.95,
    "accessibility": 1.0,
    "best-practices": 1.0,
    "seo": 1.0,
}
# Performance diagnostics are unweighted; these scores mark the ones worth naming.
WEAK_METRIC, WEAK_DIAGNOSTIC = 0.9, 0.5


@dataclass(frozen=True)
class Report:
    """One page's Lighthouse run: scores out of 1 and what cost points."""

    url: str
    form_factor: str
    scores: dict[str, float]
    misses: list[str]
    # Lighthouse's measure of the machine's CPU speed in this run (higher is faster):
    # simulated throttling scales what it observed, so a busy machine scores lower.
    benchmark: float = 0.0

    def met(self, category: str) -> bool:
        """Whether the category's score reaches its target."""
        return self.scores[category] >= TARGETS[category]


def _why(audit: dict[str, Any]) -> str:
    detail = audit.get("displayValue") or audit.get("explanation") or ""
    return f"{audit['title']}" + (f" ({detail})" if detail else "")


def _failure(result: dict[str, Any], category: dict[str, Any]) -> str:
    """Why Lighthouse could not score a category: its runtime error or an audit's."""
    if "runtimeError" in result:
        return result["runtimeError"].get("message", "runtime error")
    for ref in category["auditRefs"]:
        message = result["audits"][ref["id"]].get("errorMessage")
        if message:
            return message
    return "no reason given"


def misses(result: dict[str, Any]) -> list[str]:
    """The audits that cost points in each category under its target.

    Args:
        result: Lighthouse's JSON result (``--output=json``).

    Returns:
        Lines such as ``"performance: Largest Contentful Paint (2.9 s)"``.
    """
    found = []
    for name, target in TARGETS.items():
        category = result["categories"][name]
        if category["score"] is None:  # Lighthouse gave up: the report shows 0
            found.append(f"{name}: not scored ({_failure(result, category)})")
            continue
        if category["score"] >= target:
            continue
        for ref in category["auditRefs"]:
            audit = result["audits"][ref["id"]]
            score = audit.get("score")
            if score is None or audit["scoreDisplayMode"] in {
                "manual",
                "notApplicable",
            }:
                continue
            weak = WEAK_METRIC if ref["weight"] > 0 else WEAK_DIAGNOSTIC
            if (name == "performance" and score < weak) or (
                name != "performance" and ref["weight"] > 0 and score < 1
            ):
                found.append(f"{name}: {_why(audit)}")
    return found


def summarise(result: dict[str, Any]) -> Report:
    """Scores and misses from Lighthouse's JSON result."""
    scores = {
        name: float(result["categories"][name]["score"] or 0.0) for name in TARGETS
    }
    form_factor = result["configSettings"]["formFactor"]
    benchmark = float(result.get("environment", {}).get("benchmarkIndex", 0.0))
    return Report(
        result["finalDisplayedUrl"], form_factor, scores, misses(result), benchmark
    )


def median(reports: list[Report]) -> Report:
    """The run whose performance score is the median (the lower one of two middles).

    Raises:
        ValueError: no reports.
    """
    if not reports:
        raise ValueError("no Lighthouse runs to take the median of")
    ranked = sorted(reports, key=lambda report: report.scores["performance"])
    return ranked[(len(ranked) - 1) // 2]


def command(url: str, chromium: str, flags: list[str], output: Path) -> list[str]:
    """The npx command line that audits ``url`` with the given Chromium."""
    return [
        "npx",
        "--yes",
        f"lighthouse@{VERSION}",
        url,
        f"--chrome-path={chromium}",
        f"--chrome-flags={' '.join(flags)}",
        "--only-categories=" + ",".join(TARGETS),
        "--output=json",
        f"--output-path={output}",
        "--quiet",
    ]


def run(url: str, chromium: str, flags: list[str], *, desktop: bool) -> Report:
    """Audit one page with Lighthouse, as a phone (its default) or a desktop.

    Raises:
        RuntimeError: npx is missing, or Lighthouse failed.
    """
    if shutil.which("npx") is None:
        raise RuntimeError("npx not found: Lighthouse needs Node.js and npm")
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "lighthouse.json"
        args = command(url, chromium, flags, output)
        if desktop:
            args.append("--preset=desktop")
        done = subprocess.run(args, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"lighthouse failed ({done.returncode}): {done.stderr}")
        return summarise(json.loads(output.read_text(encoding="utf-8")))


def run_median(
    url: str, chromium: str, flags: list[str], *, desktop: bool, runs: int = RUNS
) -> Report:
    """Audit one page ``runs`` times and keep the median run.

    Raises:
        RuntimeError: npx is missing, or Lighthouse failed.
    """
    return median([run(url, chromium, flags, desktop=desktop) for _ in range(runs)])
