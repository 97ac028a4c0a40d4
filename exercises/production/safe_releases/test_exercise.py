"""Checks for the exercise of docs/production/safe-releases.md: degrade, and page."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from churn.data import generate
from churn.serve import LoadedModel, Loader, ModelLoadError
from exercises.alert_rules import rule, run, write_rules
from production.fallback import RateTable

CUSTOMER = {
    "customer_id": "C0000042",
    "tenure_months": 3,
    "monthly_charges": 95.5,
    "support_calls": 4,
    "senior": False,
    "contract": "month-to-month",
    "payment_method": "electronic-check",
    "internet_service": "fiber",
    "region": "north",
}
LABELS = 'job="churn-service", instance="a"'
FIRING = 'count(ALERTS{alertname="ChurnDegraded", alertstate="firing"})'


class Scorer:
    """A model that gives every customer the same score."""

    runtime = "scikit-learn"

    def __init__(self, score: float) -> None:
        self.score = score

    def churn_probability(self, records: list[dict]) -> list[float]:
        """The same score for each record."""
        return [self.score] * len(records)


def loader(score: float | None) -> Loader:
    """A loader of a model scoring ``score``, or one that fails if it is None."""

    def load() -> LoadedModel:
        if score is None:
            raise ModelLoadError("model file not found: churn.skops")
        return LoadedModel(Scorer(score), "churn", "3", None, "a", "b")  # type: ignore[arg-type]

    return load


@cache
def rates() -> RateTable:
    """The fallback model, fitted on generated training data."""
    return RateTable.fit(generate(2_000, seed=1), column="contract")


def ask(
    exercise: ModuleType, score: float | None, body: dict = CUSTOMER
) -> tuple[Any, str]:
    """POST /predict to the reader's app; the response and the /metrics text."""
    app = exercise.degradable_app(loader(score), rates())
    with TestClient(app) as client:
        response = client.post("/predict", json=body)
        metrics = client.get("/metrics").text
    return response, metrics


def samples(metrics: str, name: str) -> dict[str, float]:
    """The values of one metric's samples, by their ``source`` label."""
    return {
        s.labels.get("source", ""): s.value
        for f in text_string_to_metric_families(metrics)
        for s in f.samples
        if s.name == name
    }


def firing_minutes(
    degraded: dict, folder: Path, per_minute: str, minutes: list[int]
) -> list[str]:
    """When the rule fires: 600 answers a minute, ``per_minute`` of them degraded."""
    write_rules(folder, degraded)
    answers = "0+600x70"
    series = {
        f'http_requests_total{{{LABELS}, route="/predict", method="POST", '
        'status="200"}': answers,
        f"churn_predictions_total{{{LABELS}}}": answers,
        f'churn_degraded_answers_total{{{LABELS}, source="fallback"}}': per_minute,
    }
    test = {
        "rule_files": ["alerts.yml"],
        "evaluation_interval": "1m",
        "tests": [
            {
                "interval": "1m",
                "input_series": [{"series": k, "values": v} for k, v in series.items()],
                "promql_expr_test": [
                    {"expr": FIRING, "eval_time": f"{m}m", "exp_samples": []}
                    for m in minutes
                ],
            }
        ],
    }
    (folder / "hidden.test.yml").write_text(yaml.safe_dump(test))
    done = run(folder, "test", "rules", "hidden.test.yml")
    said = done.stdout + done.stderr
    assert done.returncode == 0 or "got:" in said, (
        f"promtool cannot evaluate your rule: {said.strip()}"
    )
    return re.findall(r"time: (\w+),", said)


def test_a_loaded_model_answers(exercise: ModuleType) -> None:
    """With a model loaded, POST /predict answers from it, with degraded: false."""
    response, _ = ask(exercise, 0.7)
    assert response.status_code == 200, (
        f"with a model loaded, POST /predict answered {response.status_code}"
    )
    body = response.json()
    want = {"churn_probability": 0.7, "model_version": "3", "degraded": False}
    found = {key: body.get(key) for key in want}
    assert found == want, f"the answer holds {found}: want {want}"


def test_no_model_answers_from_the_rate_table(exercise: ModuleType) -> None:
    """With no model loaded, POST /predict answers 200 from the rate table, degraded."""
    response, _ = ask(exercise, None)
    assert response.status_code == 200, (
        f"with no model loaded, POST /predict answered {response.status_code}: "
        "want 200, with the rate table's answer"
    )
    body = response.json()
    rate = rates().rates["month-to-month"]
    want = {"churn_probability": rate, "model_version": None, "degraded": True}
    found = {key: body.get(key) for key in want}
    assert found == pytest.approx(want), (
        f"the answer holds {found}: want the churn rate of month-to-month "
        f"contracts, {rate:.3f}, no model version, and degraded: true"
    )


def test_a_nan_from_the_model_is_degraded(exercise: ModuleType) -> None:
    """A model that returns NaN is answered from the rate table too."""
    response, _ = ask(exercise, float("nan"))
    assert response.status_code == 200, (
        f"with a model that returns NaN, POST /predict answered "
        f"{response.status_code}: want 200 from the rate table"
    )
    body = response.json()
    assert body.get("degraded") is True, (
        f"with a model that returns NaN, the answer is {body}: a wrong number is "
        "worse than a rough one, so want the rate table's, with degraded: true"
    )


def test_an_invalid_request_is_still_refused(exercise: ModuleType) -> None:
    """An invalid request is still refused with a 422, not degraded."""
    response, _ = ask(exercise, None, {**CUSTOMER, "contract": "weekly"})
    assert response.status_code == 422, (
        f"a request with contract 'weekly' got {response.status_code}: the caller "
        "must fix it, so want 422 even without a model"
    )


def test_degraded_answers_are_counted(exercise: ModuleType) -> None:
    """/metrics counts degraded answers in churn_degraded_answers_total."""
    _, metrics = ask(exercise, None)
    found = samples(metrics, "churn_degraded_answers_total")
    assert found.get("fallback") == 1, (
        f"after one answer from the rate table, /metrics has "
        f'churn_degraded_answers_total {found or "nowhere"}: want source="fallback" '
        "at 1. Give FallbackPredictor the app's registry"
    )


def test_the_rule_passes_promtool_check(exercise: ModuleType, tmp_path: Path) -> None:
    """Added to alerts.yml, ChurnDegraded passes promtool check rules."""
    degraded = rule(exercise)
    assert degraded.get("alert") == "ChurnDegraded", (
        f"RULE's alert is called {degraded.get('alert')!r}: want 'ChurnDegraded'"
    )
    write_rules(tmp_path, degraded)
    done = run(tmp_path, "check", "rules", "alerts.yml")
    assert done.returncode == 0, (
        f"promtool check rules refuses alerts.yml with your rule: {done.stdout}"
        f"{done.stderr}"
    )


def test_the_rule_reads_what_the_service_exports(exercise: ModuleType) -> None:
    """The rule reads churn_degraded_answers_total, and only metrics the app exports."""
    expr = re.sub(r'"[^"]*"', "", str(rule(exercise)["expr"]))
    used = set(re.findall(r"\b(?:churn|http)_[A-Za-z0-9_]*", expr))
    assert "churn_degraded_answers_total" in used, (
        f"RULE's expr reads {sorted(used)}: want churn_degraded_answers_total"
    )
    _, metrics = ask(exercise, None)
    families = text_string_to_metric_families(metrics)
    exposed = {sample.name for family in families for sample in family.samples}
    unknown = used - exposed
    assert not unknown, (
        f"RULE reads {sorted(unknown)}, which your service does not expose on "
        "/metrics: a rule on a missing metric never fires"
    )


def test_the_rule_pages_and_says_why(exercise: ModuleType) -> None:
    """ChurnDegraded is a page, with a summary and a description."""
    degraded = rule(exercise)
    severity = (degraded.get("labels") or {}).get("severity")
    assert severity == "page", (
        f"severity is {severity!r}: a service answering from its fallback is "
        "partly down, even with every status 200: want 'page'"
    )
    notes = degraded.get("annotations") or {}
    for key in ("summary", "description"):
        assert str(notes.get(key, "")).strip(), (
            f"the rule's {key} annotation is empty: say what happened, and what to do"
        )


def test_the_alert_fires_on_lasting_degradation(
    exercise: ModuleType, tmp_path: Path
) -> None:
    """The alert fires when 10 % of answers have been degraded for half an hour."""
    fired = firing_minutes(rule(exercise), tmp_path, "0+60x70", [30])
    assert fired == ["30m"], (
        "60 of 600 answers a minute came from the fallback for 30 minutes, and "
        "ChurnDegraded did not fire at minute 30"
    )


@pytest.mark.parametrize(
    ("per_minute", "what"),
    [("0+12x70", "2 % of answers for an hour"), ("0x10 60+60x2 180x57", "a burst")],
    ids=["2 % degraded", "a three-minute burst"],
)
def test_the_alert_stays_quiet(
    exercise: ModuleType, tmp_path: Path, per_minute: str, what: str
) -> None:
    """The alert stays quiet on 2 % degraded, and on a three-minute burst of 10 %."""
    minutes = [12, 14, 16, 18, 20, 25, 30, 40, 60]
    fired = firing_minutes(rule(exercise), tmp_path, per_minute, minutes)
    assert not fired, (
        f"ChurnDegraded fired at {', '.join(fired)} on {what}: want a page only "
        "when more than 5 % of answers are degraded for 10 minutes"
    )


def test_your_unit_test_passes(exercise: ModuleType, tmp_path: Path) -> None:
    """RULE_TEST passes promtool, with a case that fires and one that does not."""
    try:
        test = yaml.safe_load(exercise.RULE_TEST)
    except yaml.YAMLError as error:
        pytest.fail(f"RULE_TEST is not valid YAML: {error}", pytrace=False)
    cases = [
        bool(case.get("exp_alerts"))
        for scenario in test.get("tests") or []
        for case in scenario.get("alert_rule_test") or []
        if case.get("alertname") == "ChurnDegraded"
    ]
    assert True in cases, (
        "RULE_TEST has no alert_rule_test in which ChurnDegraded fires"
    )
    assert False in cases, (
        "RULE_TEST has no alert_rule_test in which ChurnDegraded stays quiet "
        "(exp_alerts: [])"
    )
    write_rules(tmp_path, rule(exercise))
    (tmp_path / "degraded.test.yml").write_text(exercise.RULE_TEST)
    done = run(tmp_path, "test", "rules", "degraded.test.yml")
    assert done.returncode == 0, f"promtool test rules fails: {done.stdout.strip()}"


@pytest.mark.parametrize(
    "broken",
    [{"expr": "vector(1) < 0"}, {"expr": "vector(1)", "for": "0s"}],
    ids=["a rule that never fires", "a rule that always fires"],
)
def test_your_unit_test_can_fail(
    exercise: ModuleType, tmp_path: Path, broken: dict
) -> None:
    """RULE_TEST fails on a rule that never fires, and on one that always fires."""
    write_rules(tmp_path, {**rule(exercise), **broken})
    (tmp_path / "degraded.test.yml").write_text(exercise.RULE_TEST)
    done = run(tmp_path, "test", "rules", "degraded.test.yml")
    assert done.returncode != 0, (
        f"RULE_TEST still passes when the rule's expr is {broken['expr']}: a test "
        "that cannot fail proves nothing about the rule"
    )
