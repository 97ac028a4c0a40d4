from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.paths import DOCS, ROOT
from tools import facts
from tools.facts import FACTS, cpu, marked, memory, problems

PAGES = sorted(DOCS.rglob("*.md"))


def test_every_fact_a_page_states_is_what_its_source_says() -> None:
    found = [problem for page in PAGES for problem in problems(page)]
    assert not found, "\n".join(found)


def test_the_pages_mark_the_facts_they_state() -> None:
    used = {name for page in PAGES for name, _ in marked(page.read_text())}
    assert {"pod.cpu_request", "pod.cpu_limit", "hpa.cpu_target"} <= used
    assert used <= set(FACTS)


def test_a_changed_manifest_fails_the_page_that_states_the_old_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = facts.DEPLOYMENT.read_text(encoding="utf-8")
    changed = tmp_path / "deployment.yaml"
    changed.write_text(text.replace('cpu: "1"', 'cpu: "250m"', 1), encoding="utf-8")
    monkeypatch.setattr(facts, "DEPLOYMENT", changed)
    found = problems(DOCS / "capstone" / "kubernetes.md")
    assert any("pod.cpu_request says 'one core'" in p for p in found), found
    assert any("'250 millicores'" in p for p in found), found


def test_an_unknown_fact_is_named(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text('We run <span data-fact="pod.gpus">8</span> GPUs.\n')
    assert problems(page) == [f"{page}: no fact named 'pod.gpus' in tools/facts.py"]


def test_a_fact_inside_backticks_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        'Slices of `<span data-fact="gate.slice_column">contract</span>`.\n'
    )
    assert problems(page) == [
        f"{page}: a fact marked inside backticks renders as its markup"
    ]


@pytest.mark.parametrize(
    ("quantity", "words"),
    [
        ("1", "one core"),
        ("2", "2 cores"),
        ("250m", "250 millicores"),
        ("0.5", "500 millicores"),
    ],
)
def test_cpu_quantities_in_words(quantity: str, words: str) -> None:
    assert cpu(quantity) == words


def test_memory_quantities_in_words() -> None:
    assert memory("512Mi") == "512 MiB"
    assert memory("1Gi") == "1 GiB"
    with pytest.raises(ValueError, match="not a memory quantity"):
        memory("1G")


def test_the_command_lists_every_fact(capsys: pytest.CaptureFixture[str]) -> None:
    assert facts.main() == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(FACTS)
    assert any(
        line.startswith("pod.cpu_request") and "one core" in line for line in lines
    )
    assert all(str(ROOT) not in line for line in lines)


@pytest.mark.parametrize(
    ("value", "digits", "words"),
    [(167_562, 2, "170,000"), (1876.4, 2, "1,900"), (1.066, 1, "1"), (0.43, 1, "0.4")],
)
def test_measured_figures_are_rounded_to_significant_digits(
    value: float, digits: int, words: str
) -> None:
    assert facts.rounded(value, digits) == words


def test_a_rate_that_is_not_positive_is_refused() -> None:
    with pytest.raises(ValueError, match="must be positive"):
        facts.rounded(0)


def test_benchmark_facts_follow_the_table_make_bench_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = tmp_path / "performance.md"
    table.write_text(
        "Measured on 2026-01-01 on 4 CPU cores (x), Linux.\n\n"
        "| HTTP `POST /predict`, 8 concurrent | 10 | 1 | 2 | 3 | 8,000.0 | 0 |\n"
    )
    monkeypatch.setattr(facts, "PERFORMANCE", table)
    assert FACTS["bench.http_rps"].text() == "8,000"
    assert FACTS["bench.http_cpu_ms"].text() == "0.5 ms"
    with pytest.raises(LookupError, match="no row starting 'pandas `score_frame`'"):
        FACTS["bench.batch_rows_per_s"].text()
    table.write_text("| HTTP `POST /predict` | 10 | 1 | 2 | 3 | 8,000.0 | 0 |\n")
    with pytest.raises(LookupError, match="no core count"):
        FACTS["bench.http_cpu_ms"].text()


def test_the_design_example_uses_the_autoscaler_ceiling() -> None:
    """skills/system-design's code copies maxReplicas; a changed hpa.yaml fails here."""
    page = (DOCS / "skills" / "system-design.md").read_text(encoding="utf-8")
    (ceiling,) = re.findall(r"^MAX_REPLICAS = (\d+)  # maxReplicas", page, re.MULTILINE)
    assert ceiling == FACTS["hpa.max_replicas"].text()


def test_a_makefile_without_a_uv_version_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    makefile = tmp_path / "Makefile"
    makefile.write_text("UV ?= uv\n")
    monkeypatch.setattr(facts, "MAKEFILE", makefile)
    with pytest.raises(LookupError, match="no UV_VERSION"):
        FACTS["version.uv"].text()


def test_small_counts_are_words_and_large_ones_digits() -> None:
    assert [facts.in_words(n) for n in (0, 5, 9, 12)] == ["zero", "five", "nine", "12"]


def test_a_missing_exit_code_or_example_count_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty.py"
    empty.write_text("OTHER = 1\n")
    monkeypatch.setattr(facts, "CLI", empty)
    monkeypatch.setattr(facts, "PROPERTIES", empty)
    with pytest.raises(LookupError, match="no exit code GATE_REFUSED"):
        FACTS["exit.gate_refused"].text()
    with pytest.raises(LookupError, match="no max_examples"):
        FACTS["tests.property_examples"].text()


def test_alert_and_autoscaler_wording_follows_the_manifests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alerts = tmp_path / "alerts.yml"
    alerts.write_text(
        "groups:\n  - rules:\n"
        "      - {alert: ChurnServiceDown, expr: 'up == 0', for: 1h}\n"
        "      - {alert: ChurnLatencyP99High, expr: 'p99 > 0.02', for: 90s30ms}\n"
    )
    hpa = tmp_path / "hpa.yaml"
    hpa.write_text(
        "spec:\n  behavior:\n    scaleDown:\n      stabilizationWindowSeconds: 90\n"
    )
    monkeypatch.setattr(facts, "ALERTS", alerts)
    monkeypatch.setattr(facts, "HPA", hpa)
    assert FACTS["alert.down_for"].text() == "1 hour"
    assert FACTS["slo.latency_p99"].text() == "20 ms"
    assert FACTS["hpa.scale_down_wait"].text() == "90 seconds"
    with pytest.raises(ValueError, match="a `for` of one unit expected, got '90s30ms'"):
        FACTS["alert.latency_for"].text()
    with pytest.raises(LookupError, match="0 alerts named ChurnErrorBudgetBurn"):
        FACTS["alert.burn_rate"].text()
    hpa.write_text(
        "spec:\n  behavior:\n    scaleDown:\n      stabilizationWindowSeconds: 60\n"
    )
    monkeypatch.setattr(facts, "HPA", tmp_path / "hpa.yaml")
    facts._manifest.cache_clear()
    assert FACTS["hpa.scale_down_wait"].text() == "one minute"


def test_an_expression_without_the_number_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alerts = tmp_path / "alerts.yml"
    alerts.write_text(
        "groups:\n  - rules:\n      - {alert: ChurnPredictionShift, expr: 'x > 0.1'}\n"
    )
    monkeypatch.setattr(facts, "ALERTS", alerts)
    with pytest.raises(LookupError, match="ChurnPredictionShift: no match"):
        FACTS["alert.shift_min_predictions"].text()


def test_the_autoscaler_examples_follow_the_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    times = "\N{MULTIPLICATION SIGN}"
    assert FACTS["hpa.scale_example"].text() == f"ceil(2 {times} 95 / 70) = 3"
    assert FACTS["hpa.default_unavailable_at_max"].text() == "two"
    hpa = tmp_path / "hpa.yaml"
    target = "{resource: {target: {averageUtilization: 60}}}"
    hpa.write_text(
        f"spec:\n  minReplicas: 3\n  maxReplicas: 20\n  metrics: [{target}]\n"
    )
    monkeypatch.setattr(facts, "HPA", hpa)
    facts._manifest.cache_clear()
    assert FACTS["hpa.scale_example"].text() == f"ceil(3 {times} 95 / 60) = 5"
    assert FACTS["hpa.default_unavailable_at_max"].text() == "five"
