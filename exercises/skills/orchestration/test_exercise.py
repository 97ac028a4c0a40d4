"""Checks for the exercise of docs/skills/orchestration.md: a data-quality sensor."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from types import ModuleType

import dagster as dg

from churn.data import read_rows, save_csv
from churn.orchestrate import Landing, land

OLDER, NEWEST = "2026-11-02", "2026-11-03"
# What the checks break, and in how many rows: (column, bad value, rows).
BROKEN = (("tenure_months", -3, 5), ("monthly_charges", None, 4))


def landed(folder: Path, broken_day: str | None) -> Landing:
    """Land two small days, breaking ``broken_day``'s rows as ``BROKEN`` says."""
    for day in (OLDER, NEWEST):
        path = land(folder, day, n_rows=40)
        if day == broken_day:
            rows = read_rows(path)
            for column, value, count in BROKEN:
                rows.loc[: count - 1, column] = value
            save_csv(rows, path)
    return Landing(folder=str(folder))


class Kept(logging.Handler):
    """Keeps the message of every warning (or worse) logged through it."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep one record's message."""
        self.messages.append(record.getMessage())


def look(exercise: ModuleType, landing: Landing, kept: Kept | None = None):
    """What the sensor under check returns for one tick over ``landing``.

    Warnings logged with ``context.log``, or with Python's ``logging``, go to ``kept``.
    """
    kept = kept or Kept()
    root = logging.getLogger()
    with dg.build_sensor_context(resources={"landing": landing}) as context:
        context.log.addHandler(kept)
        root.addHandler(kept)
        try:
            return exercise.data_quality(context)
        finally:
            root.removeHandler(kept)


def test_it_is_a_sensor(exercise: ModuleType) -> None:
    """data_quality is a Dagster sensor."""
    assert isinstance(exercise.data_quality, dg.SensorDefinition), (
        f"data_quality is a {type(exercise.data_quality).__name__}: want a sensor, "
        "made with the @dg.sensor decorator"
    )


def test_a_broken_day_asks_for_no_run(exercise: ModuleType, tmp_path: Path) -> None:
    """On a newest day with broken rows, the sensor skips: it asks for no run."""
    result = look(exercise, landed(tmp_path, NEWEST))
    assert isinstance(result, dg.SkipReason), (
        f"on a broken day the sensor returned {type(result).__name__}: want a "
        "dg.SkipReason, never a run request"
    )


def test_the_skip_names_the_columns(exercise: ModuleType, tmp_path: Path) -> None:
    """The skip reason names the day and every broken column."""
    message = look(exercise, landed(tmp_path, NEWEST)).skip_message or ""
    for column, _, _ in BROKEN:
        assert column in message, (
            f"{NEWEST} has broken rows in tenure_months and monthly_charges, and "
            f"the skip reason says {message!r}: want it to name {column}"
        )
    assert NEWEST in message, f"the skip reason {message!r} does not name {NEWEST}"


def test_a_warning_says_what_broke(exercise: ModuleType, tmp_path: Path) -> None:
    """A warning names each broken column and how many of its rows fail."""
    kept = Kept()
    look(exercise, landed(tmp_path, NEWEST), kept)
    warnings = kept.messages
    for column, _, count in BROKEN:
        assert any(column in w and re.search(rf"\b{count}\b", w) for w in warnings), (
            f"{column} fails in {count} rows, and no warning names both: the "
            f"warnings logged are {warnings}"
        )


def test_a_clean_day_is_skipped_too(exercise: ModuleType, tmp_path: Path) -> None:
    """On a clean newest day the sensor also skips, naming the day and no column."""
    result = look(exercise, landed(tmp_path, None))
    assert isinstance(result, dg.SkipReason), (
        f"on a clean day the sensor returned {type(result).__name__}: want a "
        "dg.SkipReason; new data is the new_data sensor's business"
    )
    message = result.skip_message or ""
    assert NEWEST in message, f"the skip reason {message!r} does not name {NEWEST}"
    named = [column for column, _, _ in BROKEN if column in message]
    assert not named, f"on a clean day the skip reason {message!r} names {named}"


def test_only_the_newest_day_counts(exercise: ModuleType, tmp_path: Path) -> None:
    """A broken older day under a clean newest one raises no alarm."""
    kept = Kept()
    message = look(exercise, landed(tmp_path, OLDER), kept).skip_message or ""
    named = [column for column, _, _ in BROKEN if column in message]
    assert not named, (
        f"only {OLDER} is broken, yet the reason for {NEWEST} says {message!r}: "
        "judge the newest day only"
    )
    assert not kept.messages, (
        f"only {OLDER} is broken, yet the sensor warned {kept.messages}"
    )


def test_no_data_is_no_error(exercise: ModuleType, tmp_path: Path) -> None:
    """With nothing landed, the sensor skips instead of failing."""
    result = look(exercise, Landing(folder=str(tmp_path)))
    assert isinstance(result, dg.SkipReason), (
        f"with an empty landing folder the sensor returned {type(result).__name__}: "
        "want a dg.SkipReason"
    )
