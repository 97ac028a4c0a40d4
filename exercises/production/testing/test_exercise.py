"""Checks for the exercise of docs/production/testing.md: a directional expectation.

The checks run the repository's own test, ``test_directional_expectations`` of
tests/churn/test_model_behaviour.py, on the rows you add, with a model trained as
the test suite trains it.
"""

from __future__ import annotations

from types import ModuleType

import pandas as pd
import pytest
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from churn.config import Config
from churn.data import DataContractError, generate, validate
from churn.features import FEATURES
from churn.train import build_pipeline, split, train
from tests.churn import test_model_behaviour as behaviour

DIRECTIONAL = behaviour.test_directional_expectations
TESTED = [mark.args[1] for mark in DIRECTIONAL.pytestmark if mark.name == "parametrize"]
COVERED = sorted({row[0] for row in TESTED[0]})
CONFIG = Config(n_rows=6_000)  # as tests/churn/conftest.py trains the suite's model


@pytest.fixture(scope="module")
def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The training and held-out rows of the suite's model."""
    return split(generate(CONFIG.n_rows, CONFIG.seed), CONFIG)


@pytest.fixture(scope="module")
def model(frames: tuple[pd.DataFrame, pd.DataFrame]) -> Pipeline:
    """The suite's model, trained on one thread."""
    with threadpool_limits(1):
        return train(frames[0], CONFIG)


def rows_of(exercise: ModuleType, first: bool = False) -> list[tuple]:
    """The new rows, refused in words if there are none or one is badly shaped.

    Args:
        exercise: The file under check.
        first: Whether this is the first check, which says what to add.

    Returns:
        Its ``NEW_EXPECTATIONS``.
    """
    rows = list(getattr(exercise, "NEW_EXPECTATIONS", []))
    assert rows, (
        "NEW_EXPECTATIONS is empty: add a row (column, low, high, direction)"
        if first
        else "nothing to check until NEW_EXPECTATIONS has a row"
    )
    for row in rows:
        shaped = isinstance(row, tuple) and len(row) == 4
        assert shaped, f"{row!r} is not a row (column, low, high, direction)"
    return rows


def passes(model: Pipeline, held_out: pd.DataFrame, row: tuple) -> bool:
    """Whether the repository's directional test passes for one row and a model."""
    try:
        with threadpool_limits(1):
            DIRECTIONAL(model, held_out, *row)
    except AssertionError:
        return False
    return True


def opposite(train_rows: pd.DataFrame, column: str, low: object, high: object):
    """A model trained on rows in which the effect of low against high is reversed.

    Categories and booleans swap ``low`` and ``high``; numbers are mirrored, so that
    ``low`` takes the place of ``high`` and the other way round.

    Args:
        train_rows: The suite's training rows.
        column: The column of the expectation.
        low: Its low value.
        high: Its high value.

    Returns:
        The fitted pipeline.
    """
    values = train_rows[column]
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        flipped = values.mask(values == low, high).mask(values == high, low)
    else:
        flipped = low + high - values
    rows = train_rows.assign(**{column: flipped})
    with threadpool_limits(1):
        return build_pipeline(CONFIG).fit(rows[FEATURES], rows["churned"])


def test_a_new_feature_is_covered(exercise: ModuleType) -> None:
    """NEW_EXPECTATIONS adds a feature the directional test does not cover yet."""
    for column, low, high, direction in rows_of(exercise, first=True):
        assert column in FEATURES, (
            f"{column!r} is not a feature of the model: pick one of {FEATURES}"
        )
        assert column not in COVERED, (
            f"{column} is tested already; the test covers {COVERED}: pick another"
        )
        assert direction in ("up", "down"), (
            f"the direction of {column} is {direction!r}: want 'up' or 'down'"
        )
        assert low != high, f"{column} has the same low and high value, {low!r}"


def test_the_values_meet_the_contract(
    exercise: ModuleType, frames: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    """Each new row's low and high values are ones the data contract accepts."""
    rows = frames[1].head(20)
    for column, low, high, _ in rows_of(exercise):
        for value in (low, high):
            try:
                validate(rows.assign(**{column: value}), with_target=True)
            except DataContractError as error:
                rule = error.failures[0][1]
                raise AssertionError(
                    f"{column} = {value!r} breaks the data contract, rule {rule}: "
                    "use a value a real customer can have"
                ) from None


def test_the_model_meets_the_expectation(
    exercise: ModuleType, model: Pipeline, frames: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    """Each new row passes the repository's directional test on the suite's model."""
    for row in rows_of(exercise):
        assert passes(model, frames[1], row), (
            f"test_directional_expectations fails for {row}: on the suite's model the "
            f"mean churn probability does not go {row[3]} from {row[1]!r} to "
            f"{row[2]!r}. Is the expectation right, or did the model learn otherwise?"
        )


def test_a_reversed_model_fails_it(
    exercise: ModuleType, frames: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    """Each new row fails for a model trained on data with the effect reversed."""
    train_rows, held_out = frames
    for row in rows_of(exercise):
        wrong = opposite(train_rows, *row[:3])
        assert not passes(wrong, held_out, row), (
            f"test_directional_expectations passes for {row} even on a model trained "
            "with the effect reversed: a row must pass for the model and fail for its "
            "opposite, or it cannot tell them apart. Check the direction, or pick "
            "values further apart or a feature the model uses"
        )
