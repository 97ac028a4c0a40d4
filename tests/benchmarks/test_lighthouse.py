from pathlib import Path
from typing import Any

import pytest

from benchmarks import lighthouse
from benchmarks.lighthouse import TARGETS, Report, command, median, misses, summarise


def audit(title: str, score: float | None, shown: str = "", mode: str = "numeric"):
    return {
        "title": title,
        "score": score,
        "displayValue": shown,
        "scoreDisplayMode": mode,
    }


def result(scores: dict[str, float]) -> dict[str, Any]:
    """A Lighthouse result: one weighted and one unweighted audit per category."""
    categories = {
        name: {
            "score": scores.get(name, 1.0),
            "auditRefs": [
                {"id": f"{name}-weighted", "weight": 10},
                {"id": f"{name}-diagnostic", "weight": 0},
            ],
        }
        for name in TARGETS
    }
    audits = {}
    for name in TARGETS:
        audits[f"{name}-weighted"] = audit(f"{name} weighted", 0.8, "2.9 s")
        audits[f"{name}-diagnostic"] = audit(f"{name} diagnostic", 0.3, "9 KiB")
    return {
        "categories": categories,
        "audits": audits,
        "configSettings": {"formFactor": "mobile"},
        "finalDisplayedUrl": "http://127.0.0.1:1/guide/",
    }


def test_categories_on_target_cost_nothing():
    assert misses(result({})) == []


def test_performance_misses_name_weak_metrics_and_diagnostics():
    assert misses(result({"performance": 0.8})) == [
        "performance: performance weighted (2.9 s)",
        "performance: performance diagnostic (9 KiB)",
    ]


def test_other_categories_name_only_weighted_audits_that_failed():
    found = misses(result({"seo": 0.9}))
    assert found == ["seo: seo weighted (2.9 s)"]


def test_manual_and_unscored_audits_are_not_misses():
    data = result({"accessibility": 0.9})
    data["audits"]["accessibility-weighted"]["scoreDisplayMode"] = "manual"
    data["audits"]["accessibility-diagnostic"]["score"] = None
    assert misses(data) == []


def test_summary_reads_scores_and_checks_targets():
    report = summarise(result({"performance": 0.94, "seo": 1.0}))
    assert report.form_factor == "mobile"
    assert report.scores["performance"] == 0.94
    assert not report.met("performance")
    assert report.met("seo")


def test_command_pins_the_version_and_passes_chromium():
    flags = ["--headless", "--no-sandbox"]
    args = command("http://x/", "/usr/bin/chromium", flags, Path("o"))
    assert args[:3] == ["npx", "--yes", "lighthouse@12.2.3"]
    assert "--chrome-path=/usr/bin/chromium" in args
    assert "--chrome-flags=--headless --no-sandbox" in args
    assert "--output-path=o" in args


def test_a_category_lighthouse_could_not_score_says_why():
    data = result({})
    data["categories"]["performance"]["score"] = None
    data["audits"]["performance-weighted"]["errorMessage"] = "NO_FCP: nothing painted"
    assert misses(data) == ["performance: not scored (NO_FCP: nothing painted)"]
    data["runtimeError"] = {"code": "PROTOCOL_TIMEOUT", "message": "timed out"}
    assert misses(data) == ["performance: not scored (timed out)"]
    del data["runtimeError"], data["audits"]["performance-weighted"]["errorMessage"]
    assert misses(data) == ["performance: not scored (no reason given)"]
    assert summarise(data).scores["performance"] == 0.0


def test_the_summary_keeps_the_machine_benchmark():
    data = result({})
    assert summarise(data).benchmark == 0.0  # older results have no environment
    data["environment"] = {"benchmarkIndex": 2202.5}
    assert summarise(data).benchmark == 2202.5


def phone(performance: float, benchmark: float = 2000.0) -> Report:
    scores = {**dict.fromkeys(TARGETS, 1.0), "performance": performance}
    return Report("http://x/", "mobile", scores, [], benchmark)


def test_the_median_run_is_the_middle_performance_score():
    runs = [phone(0.97, 2200), phone(0.71, 1100), phone(0.93, 1900)]
    assert median(runs) is runs[2]
    assert median(runs[:2]) is runs[1]  # of two, the lower: no flattering
    assert median([runs[0]]) is runs[0]
    with pytest.raises(ValueError, match="no Lighthouse runs"):
        median([])


def test_run_median_runs_lighthouse_as_often_as_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scores = iter([0.8, 0.99, 0.95, 0.5, 0.9])
    calls = []

    def fake(url: str, chromium: str, flags: list[str], *, desktop: bool) -> Report:
        calls.append(desktop)
        return phone(next(scores))

    monkeypatch.setattr(lighthouse, "run", fake)
    assert (
        lighthouse.run_median("u", "c", [], desktop=False).scores["performance"] == 0.95
    )
    assert len(calls) == lighthouse.RUNS == 3
    assert (
        lighthouse.run_median("u", "c", [], desktop=True, runs=1).scores["performance"]
        == 0.5
    )
