"""The training pipeline in a real Dagster instance: steps, backfill, retries, triggers.

The runs execute in this process on an ephemeral instance (Dagster's own, in
memory), against a real registry folder; nothing is mocked but the late file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import pytest

from churn import orchestrate
from churn.config import Config
from churn.orchestrate import Landing, land, land_days

LANDED = ("2026-11-01", "2026-11-02", "2026-11-03")
HISTORY = ("2026-08-01", "2026-10-31")
"""Days before the first run, exported once: the windows read them."""


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("orchestrate")
    land_days(folder / "landing", *HISTORY)
    for day in LANDED:
        land(folder / "landing", day)
    return folder


@pytest.fixture(scope="module")
def defs(place: Path) -> dg.Definitions:
    return orchestrate.definitions(str(place / "landing"), str(place / "registry"))


@pytest.fixture(scope="module")
def instance():
    with dg.DagsterInstance.ephemeral() as instance:
        yield instance


@pytest.fixture(scope="module")
def backfilled(defs, instance) -> list[dg.ExecuteInProcessResult]:
    return orchestrate.backfill(defs, "2026-11-02", "2026-11-03", instance)


def registry(defs: dg.Definitions):
    return defs.resources["registry"].open()


def test_the_job_runs_its_steps_in_order():
    nodes = [
        node.name for node in orchestrate.training.graph.nodes_in_topological_order
    ]
    assert nodes == [
        "load_window",
        "validate_rows",
        "train_candidate",
        "evaluate_candidate",
        "gate_candidate",
        "register_candidate",
    ]


def test_a_backfill_runs_each_day_and_registers_the_candidates_that_pass(
    backfilled, defs
):
    assert [result.success for result in backfilled] == [True, True]
    outcomes = [result.output_for_node("register_candidate") for result in backfilled]
    assert [outcome.version for outcome in outcomes] == [1, 2]
    for day, result, outcome in zip(LANDED[1:], backfilled, outcomes, strict=True):
        assert result.dagster_run.tags["dagster/partition"] == day
        tags = registry(defs).client.get_run(outcome.run_id).data.tags
        assert tags[orchestrate.WINDOW_TAG] == day
        assert tags["dagster.run_id"] == result.run_id
    # Each run reads the 90 days that end with its own day, history included.
    rows = [result.output_for_node("load_window") for result in backfilled]
    assert [len(frame) for frame in rows] == [90 * 300, 90 * 300]
    firsts = [str(frame["observed_on"].min().date()) for frame in rows]
    assert firsts == ["2026-08-05", "2026-08-06"]


def test_history_lands_a_file_a_day_that_no_run_is_made_for(place):
    days = Landing(folder=str(place / "landing")).days()
    assert days[0] == HISTORY[0]
    assert not orchestrate.DAYS.has_partition_key(HISTORY[1])
    assert orchestrate.DAYS.has_partition_key(LANDED[0])


class LateLanding(Landing):
    """A landing folder whose export finishes while the first attempt fails."""

    def window(self, day: str):  # noqa: D102 (Landing.window's)
        try:
            return super().window(day)
        except FileNotFoundError:
            land(self.folder, day)  # the file arrives during the retry's wait
            raise


def load_only(place: Path, day: str, landing: Landing) -> dg.ExecuteInProcessResult:
    """Run the job's first step alone for one day."""
    job = dg.Definitions(
        jobs=[orchestrate.training],
        resources={
            "landing": landing,
            "registry": orchestrate.ModelRegistry(root=str(place / "registry")),
            "settings": orchestrate.Settings(),
        },
    ).resolve_job_def("training")
    return job.execute_in_process(
        partition_key=day, op_selection=["load_window"], raise_on_error=False
    )


def test_a_file_that_lands_late_is_read_on_the_retry(tmp_path, place):
    result = load_only(place, "2026-11-02", LateLanding(folder=str(tmp_path)))
    assert result.success
    retries = [
        e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"
    ]
    assert len(retries) == 1
    assert len(result.output_for_node("load_window")) == 300


def test_a_day_that_never_lands_fails_its_run_and_names_the_file(tmp_path, place):
    result = load_only(place, "2026-11-02", Landing(folder=str(tmp_path)))
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    cause = failure.event_specific_data.error.cause
    assert f"2026-11-02 has not landed: there is no {tmp_path}" in cause.message
    retries = [
        e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"
    ]
    assert len(retries) == 2  # the policy's retries, then the failure


def test_the_nightly_schedule_asks_for_the_day_that_just_ended():
    tick = dt.datetime(2026, 11, 4, 2, tzinfo=dt.UTC)
    context = dg.build_schedule_context(scheduled_execution_time=tick)
    request = orchestrate.nightly(context)
    assert request.partition_key == "2026-11-03"


def test_the_new_data_sensor_asks_once_for_each_day_it_has_not_seen(place):
    landing = Landing(folder=str(place / "landing"))
    context = dg.build_sensor_context(
        cursor="2026-11-01", resources={"landing": landing}
    )
    requests = orchestrate.new_data(context)
    assert [r.partition_key for r in requests] == ["2026-11-02", "2026-11-03"]
    assert context.cursor == "2026-11-03"
    again = orchestrate.new_data(context)
    assert isinstance(again, dg.SkipReason)
    assert "no day after 2026-11-03" in again.skip_message


def test_drift_in_a_new_day_triggers_a_run_that_retrains_on_it(
    backfilled, defs, instance, place
):
    registry(defs).promote(backfilled[-1].output_for_node("register_candidate").version)
    resources = {
        "landing": defs.resources["landing"],
        "registry": defs.resources["registry"],
    }

    def look() -> dg.RunRequest | dg.SkipReason:
        return orchestrate.drift(dg.build_sensor_context(resources=resources))

    assert "has seen every day up to 2026-11-03" in look().skip_message
    land(place / "landing", "2026-11-04")  # the same population: no reason to retrain
    assert "2026-11-04 looks like the champion's training data" in look().skip_message
    land(place / "landing", "2026-11-05", drift=0.6)
    request = look()
    assert request.partition_key == "2026-11-05"
    assert request.run_key == "drift-2026-11-05"
    job = defs.resolve_job_def("training")
    run = job.execute_in_process(partition_key=request.partition_key, instance=instance)
    outcome = run.output_for_node("register_candidate")
    tags = registry(defs).client.get_run(outcome.run_id).data.tags
    assert tags[orchestrate.WINDOW_TAG] == "2026-11-05"
    assert outcome.champion is not None  # compared with the champion it may replace


def test_the_drift_sensor_waits_for_data_and_a_champion(tmp_path):
    resources = {
        "landing": Landing(folder=str(tmp_path / "landing")),
        "registry": orchestrate.ModelRegistry(root=str(tmp_path / "registry")),
    }
    skip = orchestrate.drift(dg.build_sensor_context(resources=resources))
    assert "no data or no champion yet" in skip.skip_message


def test_a_champion_trained_elsewhere_is_named_not_compared(tmp_path, frame, config):
    from churn.pipeline import run

    landing = tmp_path / "landing"
    land(landing, "2026-11-01")
    models = orchestrate.ModelRegistry(root=str(tmp_path / "registry"))
    outcome = run(frame, config, models.open())  # as `churn train` does: no window
    models.open().promote(outcome.version)
    resources = {"landing": Landing(folder=str(landing)), "registry": models}
    skip = orchestrate.drift(dg.build_sensor_context(resources=resources))
    assert "(version 1) has no window_end tag: it was not trained by this job" in (
        skip.skip_message
    )


def test_a_file_for_a_day_the_job_has_no_run_for_is_left_alone(tmp_path):
    for day in ("2026-10-31", "2026-11-01", "2099-01-01"):
        land_file = tmp_path / f"{day}.csv"
        land_file.write_text("not read\n", encoding="utf-8")
    landing = Landing(folder=str(tmp_path))
    context = dg.build_sensor_context(resources={"landing": landing})
    assert [r.partition_key for r in orchestrate.new_data(context)] == ["2026-11-01"]


def test_the_settings_come_from_a_file_or_are_the_defaults(tmp_path):
    path = tmp_path / "train.toml"
    path.write_text("[gate]\nmin_auc = 0.8\n", encoding="utf-8")
    assert orchestrate.Settings(config_file=str(path)).load().gate.min_auc == 0.8
    assert orchestrate.Settings().load() == Config()
