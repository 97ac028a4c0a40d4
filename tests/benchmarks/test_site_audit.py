"""The audit report's Lighthouse section, with Lighthouse itself replaced."""

from pathlib import Path

import pytest

from benchmarks import lighthouse, site_audit, site_weight
from benchmarks.lighthouse import TARGETS, Report
from benchmarks.site_weight import PageWeight


def fake_run(url: str, chromium: str, flags: list[str], *, desktop: bool) -> Report:
    """Desktop on target everywhere; the phone misses performance on the long page."""
    scores = dict.fromkeys(TARGETS, 1.0)
    misses = []
    if url.endswith("long/") and not desktop:
        scores["performance"] = 0.9
        misses = ["performance: Largest Contentful Paint (2.9 s)"]
    return Report(url, "desktop" if desktop else "mobile", scores, misses)


def test_lighthouse_section_marks_misses_and_says_why(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(lighthouse, "run", fake_run)
    text = site_audit.lighthouse_section(
        "http://127.0.0.1:1/", ["", "long/"], "chromium"
    )
    assert "| (home) | mobile | 100 | 100 | 100 | 100 | 0 |" in text
    assert "| long/ | mobile | 90 (miss) | 100 | 100 | 100 | 0 |" in text
    assert "| long/ | desktop | 100 | 100 | 100 | 100 | 0 |" in text
    assert text.endswith(
        "What cost points:\n\n"
        "- long/, mobile: performance: Largest Contentful Paint (2.9 s)"
    )


def test_lighthouse_section_says_when_lighthouse_could_not_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_npx(url: str, chromium: str, flags: list[str], *, desktop: bool) -> Report:
        raise RuntimeError("npx not found: Lighthouse needs Node.js and npm")

    monkeypatch.setattr(lighthouse, "run", no_npx)
    text = site_audit.lighthouse_section(
        "http://127.0.0.1:1/", ["", "long/"], "chromium"
    )
    assert "- (home): not run: npx not found" in text
    assert text.count("not run:") == 4  # two pages, two form factors


def test_lighthouse_flags_have_no_spaces() -> None:
    # Lighthouse splits --chrome-flags on spaces; a flag with one would break apart.
    assert site_audit.LIGHTHOUSE_FLAGS
    assert all(" " not in flag for flag in site_audit.LIGHTHOUSE_FLAGS)


def test_the_sample_holds_home_longest_busiest_and_heaviest_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(site_weight, "longest_page", lambda site: "long/")
    monkeypatch.setattr(site_weight, "most_elements", lambda site: "busy/")
    # p0..p9 weigh 0..9 bytes; p0, p1 and p2 do the most main-thread work.
    weights = [PageWeight(f"p{n}/", n, 1, "x", 100 - n) for n in range(10)]
    weights.append(PageWeight("(home)", 99, 1, "x", 1))
    weights.append(PageWeight("long/", 98, 1, "x", 1))
    pages = site_audit.sample(weights, Path("."))
    assert pages == ["", "long/", "busy/", "p9/", "p8/", "p7/", "p0/", "p1/", "p2/"]


def test_every_page_runs_once_and_a_miss_runs_to_a_median(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []

    def counted(url: str, chromium: str, flags: list[str], *, desktop: bool) -> Report:
        calls.append(
            url.removeprefix("http://127.0.0.1:1/") + (" desk" if desktop else "")
        )
        return fake_run(url, chromium, flags, desktop=desktop)

    monkeypatch.setattr(lighthouse, "run", counted)
    text = site_audit.lighthouse_section(
        "http://127.0.0.1:1/", ["", "long/", "ok/"], "chromium", every=True
    )
    # The two pages on target run once; the miss runs RUNS times; two desktops.
    assert sorted(calls) == sorted(
        ["", "ok/", *["long/"] * lighthouse.RUNS, " desk", "long/ desk"]
    )
    assert "Pages: every page (3)." in text
    assert "1 of 3 pages missed a target as a phone." in text
