"""The training pipeline as a Dagster job: one node per step, one run per day of data.

`churn.pipeline.run` is the whole pipeline in one call, which is what CI and the
``churn train`` command need. An orchestrator needs the same steps as separate
nodes, so that it can show which one failed, retry the one that touches storage,
and run the pipeline for any day of data: on a schedule, for a range of past days
(a backfill), or when a sensor sees new data or drift. The steps are the
functions `run` calls, so both paths train, compare and register the same way.

Data lands in a folder as one CSV of labelled rows per day, named
``YYYY-MM-DD.csv``. The run for a day trains on the window of days that ends
with it: long enough to hold out its latest days and still train on days whose
labels were known before them (see `churn.train.split`).

Load the definitions with ``dagster dev -m churn.orchestrate`` to see the job,
its schedule and its sensors in Dagster's web UI.
"""

import datetime as dt
import os
from pathlib import Path

import dagster as dg
import pandas as pd

from churn.config import Config, load_config
from churn.data import generate, read_rows, save_csv, validate
from churn.evaluate import GateDecision, gate
from churn.monitor import drift_report
from churn.pipeline import Comparison, Outcome, Trained, compare, fit, record
from churn.registry import Registry

START = "2026-11-01"
"""The first day a run can be made for."""

LANDING_ENV = "CHURN_LANDING"
"""The environment variable naming the landing folder (default ``landing``)."""

REGISTRY_ENV = "CHURN_REGISTRY"
"""The environment variable naming the registry folder (default ``registry``)."""

CONFIG_ENV = "CHURN_CONFIG"
"""The environment variable naming a training settings file (default: none)."""

WINDOW_TAG = "window_end"
"""The run tag that names the last day of data a model was trained on."""

DAYS = dg.DailyPartitionsDefinition(start_date=START)


class Landing(dg.ConfigurableResource):
    """The folder new data lands in, one file per day.

    Attributes:
        folder: Where the ``YYYY-MM-DD.csv`` files are.
        window_days: How many days, up to and including a run's day, it trains on.
    """

    folder: str
    window_days: int = 90

    def days(self) -> list[str]:
        """The days that have landed, oldest first."""
        return sorted(path.stem for path in Path(self.folder).glob("????-??-??.csv"))

    def day(self, day: str) -> pd.DataFrame:
        """One day's rows, as they landed (not yet checked against the contract).

        Raises:
            FileNotFoundError: If that day has not landed (yet).
        """
        path = Path(self.folder) / f"{day}.csv"
        if not path.is_file():
            raise FileNotFoundError(f"{day} has not landed: there is no {path}")
        return read_rows(path)

    def window(self, day: str) -> pd.DataFrame:
        """The rows of the window that ends with day, for training.

        Raises:
            FileNotFoundError: If day itself has not landed; earlier days that are
                missing only make the window shorter.
        """
        end = dt.date.fromisoformat(day)
        first = (end - dt.timedelta(days=self.window_days - 1)).isoformat()
        landed = [d for d in self.days() if first <= d < day]
        # The run's own day must be there; self.day says so if it is not.
        return pd.concat([*map(self.day, landed), self.day(day)], ignore_index=True)


FIRST_DAY = dt.date(2020, 1, 1)
"""The earliest day `land` can write; each day's seed and IDs count from it."""


def land(folder: str | Path, day: str, n_rows: int = 300, drift: float = 0.0) -> Path:
    """Write one day of generated, labelled rows, as an export job would.

    Args:
        folder: The landing folder.
        day: The day, ``YYYY-MM-DD``, on or after `FIRST_DAY`; days before `START`
            are history that windows read but no run is made for.
        n_rows: How many customers that day.
        drift: How far the day's population has shifted (see `churn.data.generate`).

    Returns:
        The file written. The same day always gets the same rows and its own IDs.
    """
    number = (dt.date.fromisoformat(day) - FIRST_DAY).days
    rows = generate(
        n_rows,
        seed=number,
        drift=drift,
        first_id=number * n_rows + 1,
        start=day,
        days=1,
    )
    return save_csv(rows, Path(folder) / f"{day}.csv")


def land_days(folder: str | Path, first: str, last: str) -> list[Path]:
    """Land every day from first to last, both included, with `land`'s defaults."""
    days = pd.date_range(first, last, freq="D").strftime("%Y-%m-%d")
    return [land(folder, day) for day in days]


class ModelRegistry(dg.ConfigurableResource):
    """The churn registry the job judges against and registers into.

    Attributes:
        root: The registry folder (with a server, where its files are cached).
        tracking_uri: An MLflow tracking server, or None for the folder alone.
    """

    root: str
    tracking_uri: str | None = None

    def open(self) -> Registry:
        """Open the registry, creating it on the first run."""
        return Registry(self.root, tracking_uri=self.tracking_uri)


class Settings(dg.ConfigurableResource):
    """The training settings every run uses.

    Attributes:
        config_file: A TOML file for `churn.config.load_config`; empty for the
            defaults.
    """

    config_file: str = ""

    def load(self) -> Config:
        """Read the settings (the defaults without a file)."""
        return load_config(self.config_file) if self.config_file else Config()


# --8<-- [start:steps]
# Reading storage is the step that fails for reasons that pass: a file still
# being copied, a network share that blinks. Retry it, with growing waits; the
# other steps are deterministic, so a retry would fail the same way.
@dg.op(
    retry_policy=dg.RetryPolicy(max_retries=2, delay=1, backoff=dg.Backoff.EXPONENTIAL)
)
def load_window(context: dg.OpExecutionContext, landing: Landing) -> pd.DataFrame:
    """Read the window of days that ends with the run's day."""
    rows = landing.window(context.partition_key)
    context.add_output_metadata({"rows": len(rows)})
    return rows


@dg.op
def validate_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Check the rows against the data contract; broken rows stop the run here."""
    return validate(rows, with_target=True)


@dg.op
def train_candidate(rows: pd.DataFrame, settings: Settings) -> Trained:
    """Split the rows and fit a candidate."""
    return fit(rows, settings.load())


@dg.op
def evaluate_candidate(trained: Trained, registry: ModelRegistry) -> Comparison:
    """Score the candidate and the champion on the same held-out rows."""
    return compare(trained, registry.open())


@dg.op
def gate_candidate(
    context: dg.OpExecutionContext, trained: Trained, scores: Comparison
) -> GateDecision:
    """Apply the promotion rules; a refusal is a result, not a failure."""
    decision = gate(scores.candidate, scores.champion, trained.config.gate)
    context.add_output_metadata({"passed": decision.promote})
    return decision


@dg.op
def register_candidate(
    context: dg.OpExecutionContext,
    trained: Trained,
    scores: Comparison,
    decision: GateDecision,
    registry: ModelRegistry,
) -> Outcome:
    """Log the run, and register the candidate as challenger if it passed."""
    tags = {WINDOW_TAG: context.partition_key, "dagster.run_id": context.run_id}
    outcome = record(trained, scores, decision, registry.open(), tags)
    context.add_output_metadata({"version": outcome.version or 0})
    return outcome


@dg.job(partitions_def=DAYS, executor_def=dg.in_process_executor)
def training() -> None:
    """Validate, train, evaluate, gate and register, for one day's window."""
    trained = train_candidate(validate_rows(load_window()))
    scores = evaluate_candidate(trained)
    register_candidate(trained, scores, gate_candidate(trained, scores))


# --8<-- [end:steps]


# --8<-- [start:triggers]
@dg.schedule(job=training, cron_schedule="0 2 * * *", execution_timezone="UTC")
def nightly(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """Every night at 02:00 UTC, a run for the day that just ended."""
    day = (context.scheduled_execution_time - dt.timedelta(days=1)).date().isoformat()
    return dg.RunRequest(partition_key=day, run_key=f"nightly-{day}")


@dg.sensor(job=training, minimum_interval_seconds=300)
def new_data(context: dg.SensorEvaluationContext, landing: Landing):
    """Ask for a run for every day that has landed since the last look."""
    seen = context.cursor or ""
    # A file named for a day the job has no run for (before START, or today,
    # which has not ended) is left alone rather than failing the tick.
    fresh = [d for d in landing.days() if d > seen and DAYS.has_partition_key(d)]
    if not fresh:
        return dg.SkipReason(f"no day after {seen or START} has landed")
    context.update_cursor(fresh[-1])
    # The run key makes a second request for the same day a no-op.
    return [dg.RunRequest(partition_key=day, run_key=f"data-{day}") for day in fresh]


@dg.sensor(job=training, minimum_interval_seconds=3600)
def drift(
    context: dg.SensorEvaluationContext, landing: Landing, registry: ModelRegistry
):
    """Retrain on the newest day if it drifted from what the champion learned."""
    days = landing.days()
    models = registry.open()
    champion = models.champion()
    if not days or champion is None:
        return dg.SkipReason("nothing to compare: no data or no champion yet")
    tags = models.client.get_run(champion.run_id).data.tags
    trained_on = tags.get(WINDOW_TAG)
    if trained_on is None:  # e.g. trained by `churn train` in CI, on no window
        return dg.SkipReason(
            f"the champion (version {champion.version}) has no {WINDOW_TAG} tag:"
            " it was not trained by this job, so there is no window to compare with"
        )
    newest = days[-1]
    if newest <= trained_on:
        return dg.SkipReason(f"the champion has seen every day up to {newest}")
    report = drift_report(landing.window(trained_on), landing.day(newest))
    if not report.drifted:
        return dg.SkipReason(f"{newest} looks like the champion's training data")
    names = ", ".join(f.feature for f in report.features if f.drifted)
    context.log.info(f"{newest} drifted ({names}): asking for a retraining run")
    return dg.RunRequest(partition_key=newest, run_key=f"drift-{newest}")


# --8<-- [end:triggers]


# --8<-- [start:backfill]
def backfill(
    defs: dg.Definitions, first: str, last: str, instance: dg.DagsterInstance
) -> list[dg.ExecuteInProcessResult]:
    """Run the training job for every day from first to last, oldest first.

    A backfill is how you rebuild history: after a bug fix in a step, or when
    the data of past days arrives late. Each day gets its own run, and a day that
    fails does not stop the others; its result says why.

    Args:
        defs: The definitions holding the job and its resources.
        first: The first day, ``YYYY-MM-DD``.
        last: The last day, included.
        instance: Where the runs are recorded.

    Returns:
        One result per day, in order.
    """
    job = defs.resolve_job_def(training.name)
    days = DAYS.get_partition_keys_in_range(dg.PartitionKeyRange(first, last))
    tags = {"churn/backfill": f"{first}..{last}"}
    return [
        job.execute_in_process(
            partition_key=day, instance=instance, tags=tags, raise_on_error=False
        )
        for day in days
    ]


# --8<-- [end:backfill]


def definitions(
    folder: str,
    registry: str,
    tracking_uri: str | None = None,
    config_file: str = "",
) -> dg.Definitions:
    """Everything Dagster loads: the job, its schedule, its sensors and resources.

    Args:
        folder: The landing folder.
        registry: The registry folder.
        tracking_uri: An MLflow tracking server, if the registry is one.
        config_file: The training settings, or empty for the defaults.

    Returns:
        The definitions, for ``dagster`` commands or a test.
    """
    return dg.Definitions(
        jobs=[training],
        schedules=[nightly],
        sensors=[new_data, drift],
        resources={
            "landing": Landing(folder=folder),
            "registry": ModelRegistry(root=registry, tracking_uri=tracking_uri),
            "settings": Settings(config_file=config_file),
        },
    )


# What ``dagster dev -m churn.orchestrate`` and ``dagster job ...`` load: the
# places come from the environment, so one module serves every machine.
defs = definitions(
    os.environ.get(LANDING_ENV, "landing"),
    os.environ.get(REGISTRY_ENV, "registry"),
    os.environ.get("MLFLOW_TRACKING_URI") or None,
    os.environ.get(CONFIG_ENV, ""),
)
