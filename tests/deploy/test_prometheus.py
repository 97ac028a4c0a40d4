"""The alert rules are valid, pass their unit tests, and watch real metrics.

promtool (Debian's ``prometheus`` package; ``.ci/run`` installs it) checks the rules
and runs ``alerts*.test.yml``. Without promtool the promtool tests are skipped on a
developer's machine and fail in CI, so CI can never pass without running them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from churn.artifacts import save_model
from churn.config import Config
from churn.data import generate
from churn.serve import create_app, file_loader
from churn.train import train
from tests.paths import ROOT

RULES_DIR = ROOT / "deploy" / "prometheus"
RULES = RULES_DIR / "alerts.yml"
RULE_TESTS = sorted(RULES_DIR.glob("*.test.yml"))
BENCHMARK = ROOT / "benchmarks" / "service.py"

CUSTOMER = {
    "tenure_months": 3,
    "monthly_charges": 95.5,
    "support_calls": 4,
    "senior": False,
    "contract": "month-to-month",
    "payment_method": "electronic-check",
    "internet_service": "fiber",
    "region": "north",
}

BROKEN_RULES = """\
groups:
  - name: broken
    rules:
      - alert: MissingParenthesis
        expr: sum(rate(http_requests_total[5m]) > 1
"""


def promtool() -> str:
    """The promtool executable; skip without it, unless in CI, where it must exist."""
    found = shutil.which("promtool") or shutil.which("promtool", path="/usr/bin")
    if found:
        return found
    message = "promtool not found: apt-get install prometheus"
    if os.environ.get("CI"):
        pytest.fail(message + " (CI must run the alert-rule tests)")
    pytest.skip(message)


def run(*args: str | Path, cwd: Path = RULES_DIR) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [promtool(), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )


def rules() -> list[dict]:
    groups = yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"]
    return [rule for group in groups for rule in group["rules"]]


def alerts() -> dict[str, dict]:
    return {rule["alert"]: rule for rule in rules() if "alert" in rule}


def test_missing_promtool_skips_locally_and_fails_in_ci(
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setattr(shutil, "which", lambda *args, **kwargs: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install prometheus"):
        promtool()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run"):
        promtool()


def test_rules_pass_promtool_check():
    result = run("check", "rules", RULES)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(rules())} rules found" in result.stdout


def test_rules_pass_their_unit_tests():
    assert [path.name for path in RULE_TESTS] == [
        "alerts-drift.test.yml",
        "alerts.test.yml",
    ]
    result = run("test", "rules", *RULE_TESTS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("SUCCESS") == len(RULE_TESTS)


def test_promtool_rejects_a_broken_rule_file(tmp_path: Path):
    path = tmp_path / "broken.yml"
    path.write_text(BROKEN_RULES, encoding="utf-8")
    result = run("check", "rules", path)
    assert result.returncode != 0
    assert "MissingParenthesis" in result.stdout + result.stderr


def test_unit_tests_catch_a_changed_threshold(tmp_path: Path):
    # The same rules with a latency objective of 100 ms instead of 10 ms: the unit
    # test that expects a page at p99 = 23.5 ms must now fail.
    text = RULES.read_text(encoding="utf-8")
    assert text.count("p99_5m > 0.01\n") == 1
    (tmp_path / "alerts.yml").write_text(
        text.replace("p99_5m > 0.01\n", "p99_5m > 0.1\n")
    )
    shutil.copy(RULES_DIR / "alerts.test.yml", tmp_path)
    result = run("test", "rules", "alerts.test.yml", cwd=tmp_path)
    assert result.returncode != 0
    assert "ChurnLatencyP99High" in result.stdout + result.stderr


def test_every_alert_says_who_acts_and_what_happened():
    assert set(alerts()) == {
        "ChurnErrorBudgetBurn",
        "ChurnLatencyP99High",
        "ChurnServiceDown",
        "ChurnModelNotLoaded",
        "ChurnNoTraffic",
        "ChurnPredictionShift",
    }
    for name, rule in alerts().items():
        assert rule["labels"]["severity"] in {"page", "ticket"}, name
        assert rule["annotations"]["summary"], name
        assert rule["annotations"]["description"], name


def test_latency_alert_uses_the_benchmarks_objective():
    match = re.search(r"^TARGET_P99_MS = ([\d.]+)", BENCHMARK.read_text(), re.M)
    assert match, "TARGET_P99_MS not found in benchmarks/service.py"
    expr = alerts()["ChurnLatencyP99High"]["expr"]
    threshold_s = float(re.search(r"> ([\d.]+)", expr)[1])
    assert threshold_s * 1000 == float(match[1])


def metric_names_in_rules() -> set[str]:
    """Metric names the rules read: the service's own (http_, churn_ prefixes)."""
    exprs = " ".join(rule["expr"] for rule in rules())
    exprs = re.sub(r'"[^"]*"', "", exprs)  # label values such as "churn-service"
    tokens = re.findall(r"[A-Za-z_:][A-Za-z0-9_:]*", exprs)
    return {t for t in tokens if re.match(r"(http|churn)_", t) and ":" not in t}


@pytest.fixture(scope="module")
def exposed_metrics(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """Sample names on a real service's /metrics after it has scored a customer."""
    config = Config(n_rows=500)
    model = train(generate(config.n_rows, config.seed), config)
    path = tmp_path_factory.mktemp("model") / "model.skops"
    app = create_app(file_loader(path, save_model(model, path), version="1"))
    with TestClient(app) as client:
        assert client.post("/predict", json=CUSTOMER).status_code == 200
        text = client.get("/metrics").text
    families = text_string_to_metric_families(text)
    return {sample.name for family in families for sample in family.samples}


def test_rules_read_only_metrics_the_service_exposes(exposed_metrics: set[str]):
    used = metric_names_in_rules()
    assert used == {
        "http_requests_total",
        "http_request_duration_seconds_bucket",
        "churn_prediction_probability_sum",
        "churn_prediction_probability_count",
        "churn_model_info",
    }
    assert used <= exposed_metrics, used - exposed_metrics


def test_the_monitoring_page_commands_pass_as_shown():
    """docs/production/monitoring.md's two promtool commands, run from the root."""
    promtool()  # skip without it, as above (CI has it)
    page = (ROOT / "docs" / "production" / "monitoring.md").read_text(encoding="utf-8")
    block = page.split('```bash run-by="tests/deploy/test_prometheus.py"\n', 1)[1]
    commands = block.split("\n```", 1)[0].splitlines()
    assert [c.split()[0] for c in commands] == ["promtool", "cd"]
    for command in commands:
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, command + "\n" + done.stdout + done.stderr
