"""Checks for the exercise of docs/production/monitoring.md: a stale-model alert."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from churn.serve import LoadedModel, ModelLoadError
from exercises.alert_rules import rule, run, write_rules

METRIC = "churn_model_loaded_timestamp_seconds"
DAY = 86_400
LOADED_AT = 1_750_000_000.0  # when the checks' clock says the model was loaded
SERIES = 'churn_model_loaded_timestamp_seconds{job="churn-service", instance="a"'
FIRING = 'count(ALERTS{alertname="ChurnModelStale", alertstate="firing"})'
UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": DAY, "w": 7 * DAY}


class Clock:
    """A clock the checks move by hand."""

    def __init__(self) -> None:
        self.now = LOADED_AT

    def __call__(self) -> float:
        """The time now, in seconds since 1970."""
        return self.now


class Loader:
    """Loads model versions 1, 2, ... in turn; fails while ``failing`` is set."""

    def __init__(self) -> None:
        self.version = 0
        self.failing = False

    def __call__(self) -> LoadedModel:
        """The next version, or a ModelLoadError while failing."""
        if self.failing:
            raise ModelLoadError("model file not found: model.skops")
        self.version += 1
        no_scorer = None  # the checks score nobody
        return LoadedModel(no_scorer, "churn", str(self.version), None, "a", "b")  # type: ignore[arg-type]


def load_times(client: TestClient) -> list[float]:
    """The values of the load-time gauge on the service's /metrics."""
    text = client.get("/metrics").text
    return [
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == METRIC
    ]


def exposed(exercise: ModuleType) -> set[str]:
    """Every sample name on /metrics of the reader's service with a model loaded."""
    app = exercise.create_app_with_load_time(Loader(), clock=Clock())
    with TestClient(app) as client:
        text = client.get("/metrics").text
    return {s.name for f in text_string_to_metric_families(text) for s in f.samples}


def alert_fires(stale: dict, folder: Path, values: str, day: int) -> bool:
    """Whether ``stale`` fires on ``day`` over a load-time series of ``values``."""
    write_rules(folder, stale)
    test = {
        "rule_files": ["alerts.yml"],
        "evaluation_interval": "1h",
        "tests": [
            {
                "interval": "1h",
                "input_series": [
                    {"series": SERIES + ', version="7"}', "values": values}
                ],
                "promql_expr_test": [
                    {"expr": FIRING, "eval_time": f"{day}d", "exp_samples": []}
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
    return done.returncode != 0


def seconds(duration: str) -> float:
    """A Prometheus duration such as ``36d`` or ``1d12h``, in seconds."""
    parts = re.findall(r"(\d+)(ms|s|m|h|d|w|y)", str(duration))
    return sum(int(n) * UNITS[unit] for n, unit in parts)


def test_the_service_exports_its_load_time(exercise: ModuleType) -> None:
    """GET /metrics reports churn_model_loaded_timestamp_seconds, the load's time."""
    app = exercise.create_app_with_load_time(Loader(), clock=Clock())
    with TestClient(app) as client:
        found = load_times(client)
    assert found, f"/metrics has no {METRIC} after the service loaded its model"
    assert found == [LOADED_AT], (
        f"{METRIC} is {found}: want [{LOADED_AT}], what the clock said when the "
        "model was loaded (seconds since 1970, not an age)"
    )


def test_a_reload_moves_the_load_time(exercise: ModuleType) -> None:
    """After a reload, /metrics reports one load time: the reload's."""
    clock = Clock()
    app = exercise.create_app_with_load_time(Loader(), clock=clock)
    with TestClient(app) as client:
        clock.now += 3 * DAY
        app.state.model_holder.reload()
        found = load_times(client)
    assert found == [LOADED_AT + 3 * DAY], (
        f"3 days after the first load, a reload left {METRIC} at {found}: want one "
        f"value, {LOADED_AT + 3 * DAY}, the time of the reload"
    )


def test_a_failed_reload_keeps_the_load_time(exercise: ModuleType) -> None:
    """A failed reload keeps the load time of the model still serving."""
    clock, loader = Clock(), Loader()
    app = exercise.create_app_with_load_time(loader, clock=clock)
    with TestClient(app) as client:
        clock.now += 3 * DAY
        loader.failing = True
        with pytest.raises(ModelLoadError):
            app.state.model_holder.reload()
        found = load_times(client)
    assert found == [LOADED_AT], (
        f"after a reload that failed, {METRIC} is {found}: the old model still "
        f"serves, so want its load time, [{LOADED_AT}]"
    )


def test_no_model_no_load_time(exercise: ModuleType) -> None:
    """An instance that never loaded a model reports no load time of 0."""
    loader = Loader()
    loader.failing = True
    app = exercise.create_app_with_load_time(loader, clock=Clock())
    with TestClient(app) as client:
        found = load_times(client)
    assert 0 not in found, (
        f"with no model loaded, {METRIC} is {found}: an alert reads 0 as a model "
        "loaded in 1970. Report no value until a model is loaded (a gauge with a "
        "version label, as churn_model_info has, has no series until it is set)"
    )


def test_the_rule_passes_promtool_check(exercise: ModuleType, tmp_path: Path) -> None:
    """Added to alerts.yml, the rule passes promtool check rules."""
    stale = rule(exercise)
    assert stale.get("alert") == "ChurnModelStale", (
        f"RULE's alert is called {stale.get('alert')!r}: want 'ChurnModelStale'"
    )
    write_rules(tmp_path, stale)
    done = run(tmp_path, "check", "rules", "alerts.yml")
    assert done.returncode == 0, (
        f"promtool check rules refuses alerts.yml with your rule: {done.stdout}"
        f"{done.stderr}"
    )


def test_the_rule_reads_the_exported_gauge(exercise: ModuleType) -> None:
    """The rule reads churn_model_loaded_timestamp_seconds, as the service exports."""
    expr = re.sub(r'"[^"]*"', "", str(rule(exercise)["expr"]))
    used = set(re.findall(r"\b(?:churn|http)_[A-Za-z0-9_]*", expr))
    assert METRIC in used, f"RULE's expr reads {sorted(used)}: want {METRIC}"
    unknown = used - exposed(exercise)
    assert not unknown, (
        f"RULE reads {sorted(unknown)}, which your service does not expose on "
        "/metrics: a rule on a missing metric never fires"
    )


def test_the_rule_is_a_ticket_that_says_what_happened(exercise: ModuleType) -> None:
    """ChurnModelStale is a ticket, with a summary and a description."""
    stale = rule(exercise)
    severity = (stale.get("labels") or {}).get("severity")
    assert severity == "ticket", (
        f"severity is {severity!r}: a model a few days past its age is for someone "
        "to look at soon, not to wake anyone: want 'ticket'"
    )
    notes = stale.get("annotations") or {}
    for key in ("summary", "description"):
        text = str(notes.get(key, ""))
        assert text.strip(), (
            f"the rule's {key} annotation is empty: say what happened, and what to do"
        )


def test_the_alert_fires_on_day_36(exercise: ModuleType, tmp_path: Path) -> None:
    """The alert fires on day 36 for a model loaded on day 0."""
    fired = alert_fires(rule(exercise), tmp_path, "0x900", day=36)
    assert fired, (
        "a model loaded at time 0 is 36 days old on day 36: ChurnModelStale did not "
        "fire. Compare time() with the gauge's value"
    )


def test_the_alert_stays_quiet_on_a_younger_model(
    exercise: ModuleType, tmp_path: Path
) -> None:
    """The alert is quiet on day 34, and on day 36 for a model reloaded on day 30."""
    stale = rule(exercise)
    assert not alert_fires(stale, tmp_path, "0x900", day=34), (
        "ChurnModelStale fired on day 34 for a model loaded on day 0: want it only "
        "after 35 days"
    )
    reloaded = f"0x719 {30 * DAY}x180"  # the gauge moves to day 30 at hour 720
    assert not alert_fires(stale, tmp_path, reloaded, day=36), (
        "ChurnModelStale fired on day 36 for a model reloaded on day 30: measure the "
        "age from the gauge's value, the last load"
    )


def test_your_unit_test_passes(exercise: ModuleType, tmp_path: Path) -> None:
    """RULE_TEST passes promtool test rules and checks day 34 and day 36."""
    try:
        test = yaml.safe_load(exercise.RULE_TEST)
    except yaml.YAMLError as error:
        pytest.fail(f"RULE_TEST is not valid YAML: {error}", pytrace=False)
    every = seconds(test.get("evaluation_interval", "1m"))
    assert every >= 3600, (
        f"RULE_TEST evaluates every {every:g} s: over 36 days that is "
        f"{36 * DAY / max(every, 1):,.0f} evaluations of every rule; want "
        "evaluation_interval: 1h"
    )
    checked = {
        seconds(case["eval_time"]) // DAY: bool(case.get("exp_alerts"))
        for scenario in test.get("tests") or []
        for case in scenario.get("alert_rule_test") or []
        if case.get("alertname") == "ChurnModelStale"
    }
    days = ", ".join(f"{day:g}" for day in sorted(checked)) or "none"
    wanted = "Want day 34 with exp_alerts: [] and day 36 with the alert expected"
    assert checked.get(34) is False, (
        f"RULE_TEST's alert_rule_test for ChurnModelStale checks days: {days}. {wanted}"
    )
    assert checked.get(36) is True, (
        f"RULE_TEST's alert_rule_test for ChurnModelStale checks days: {days}. {wanted}"
    )
    write_rules(tmp_path, rule(exercise))
    (tmp_path / "stale.test.yml").write_text(exercise.RULE_TEST)
    done = run(tmp_path, "test", "rules", "stale.test.yml")
    assert done.returncode == 0, f"promtool test rules fails: {done.stdout.strip()}"


@pytest.mark.parametrize(
    "broken",
    ["vector(1) < 0", f"{METRIC} >= 0"],
    ids=["a rule that never fires", "a rule that fires at any age"],
)
def test_your_unit_test_can_fail(
    exercise: ModuleType, tmp_path: Path, broken: str
) -> None:
    """RULE_TEST fails on a rule that never fires, and on one that fires at any age."""
    stale = {**rule(exercise), "expr": broken}
    write_rules(tmp_path, stale)
    (tmp_path / "stale.test.yml").write_text(exercise.RULE_TEST)
    done = run(tmp_path, "test", "rules", "stale.test.yml")
    assert done.returncode != 0, (
        f"RULE_TEST still passes when the rule's expr is {broken}: a test that "
        "cannot fail proves nothing about the rule"
    )
