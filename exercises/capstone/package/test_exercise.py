"""Checks for the exercise of docs/capstone/package.md: a feature, charges per month."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

from churn.artifacts import save_model
from churn.config import Config, ModelConfig
from churn.data import FEATURE_COLUMNS, generate
from churn.features import FEATURES

NEW = "charges_per_month_of_tenure"
# The fields a request carries, as the package defines them before your file runs.
REQUEST_FIELDS = list(FEATURES)
# Fewer trees than the default run, so each training takes a fraction of a second.
CONFIG = Config(model=ModelConfig(max_iter=40))


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    """Small generated training rows."""
    return generate(1_500, seed=11)


@pytest.fixture(scope="module")
def model(exercise: ModuleType, rows: pd.DataFrame):
    """The model the file under check trains on the rows."""
    return exercise.train_model(rows, CONFIG)


def ratio(frame: pd.DataFrame) -> np.ndarray:
    """What the feature should be: charges over months, at least one month."""
    return frame["monthly_charges"].to_numpy() / np.maximum(frame["tenure_months"], 1)


def values(made: object) -> np.ndarray:
    """A Series, a one-column frame or an array, as a flat array of numbers."""
    return np.asarray(made, dtype=float).ravel()


def feature_names(model) -> list[str]:
    """The names of the columns the model's steps before the classifier give it."""
    try:
        return list(model[:-1].get_feature_names_out())
    except Exception as error:  # scikit-learn's error, said with what to do
        pytest.fail(
            f"the model cannot name the columns it computes ({error}): give your "
            "step a feature_names_out, as FunctionTransformer takes",
            pytrace=False,
        )


class Scored:
    """A stand-in model whose risk follows charges per month of tenure.

    Args:
        rising: True if risk rises with the ratio, False if it falls.
    """

    def __init__(self, rising: bool) -> None:
        self.rising = rising

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        """Probabilities of staying and of churning, from the ratio alone."""
        if not isinstance(frame, pd.DataFrame):
            raise TypeError("pass the model rows[FEATURES], a DataFrame, as serving")
        slope = 0.2 if self.rising else -0.2
        churn = 1 / (1 + np.exp(-slope * (ratio(frame) - 5)))
        return np.column_stack([1 - churn, churn])


def test_the_feature_divides_charges_by_tenure(exercise: ModuleType) -> None:
    """charges_per_month_of_tenure divides monthly charges by months of tenure."""
    frame = pd.DataFrame({"monthly_charges": [60.0, 90.0], "tenure_months": [12, 3]})
    found = values(exercise.charges_per_month_of_tenure(frame))
    assert found.tolist() == [5.0, 30.0], (
        f"for 60 a month over 12 months and 90 a month over 3, the feature is "
        f"{found.tolist()}: want [5.0, 30.0]"
    )


def test_a_new_customer_counts_one_month(exercise: ModuleType) -> None:
    """A customer with 0 months of tenure counts as one month, not a division by 0."""
    frame = pd.DataFrame({"monthly_charges": [70.0], "tenure_months": [0]})
    found = values(exercise.charges_per_month_of_tenure(frame))
    assert found.tolist() == [70.0], (
        f"for 70 a month after 0 months the feature is {found.tolist()}: want "
        "[70.0], counting a new customer's first month as one"
    )


def test_the_model_computes_the_feature(model, rows: pd.DataFrame) -> None:
    """The model computes charges_per_month_of_tenure from a request's fields."""
    names = feature_names(model)
    assert NEW in names, (
        f"the classifier reads {len(names)} columns and none is {NEW!r}: add a step "
        "inside the model that computes it, so serving computes it too"
    )
    computed = values(model[:-1].transform(rows[REQUEST_FIELDS])[:, names.index(NEW)])
    match = np.corrcoef(computed, ratio(rows))[0, 1]
    assert match > 0.999, (
        f"the model's {NEW!r} column does not follow monthly charges over months of "
        f"tenure (correlation {match:.3f}): compute it with your function"
    )


def test_the_request_fields_stay_as_they_are(exercise: ModuleType) -> None:
    """A request carries the same fields as before: the feature is derived."""
    assert list(FEATURES) == REQUEST_FIELDS, (
        f"churn.features.FEATURES became {list(FEATURES)}: leave the request's "
        "fields alone and compute the new column inside the model"
    )
    assert NEW not in FEATURE_COLUMNS, (
        f"the data contract now asks callers for {NEW!r}: it is computed from "
        "two fields they send already, so the contract stays as it is"
    )


def test_the_check_passes_a_model_going_the_right_way(exercise: ModuleType) -> None:
    """Your directional check passes a model whose risk rises with the ratio."""
    frame = generate(200, seed=12)
    try:
        exercise.expect_more_charges_per_month_more_churn(Scored(rising=True), frame)
    except AssertionError as error:
        pytest.fail(
            "your check failed a model whose churn risk rises with charges per "
            f"month of tenure, which is what it expects: {error}",
            pytrace=False,
        )


def test_the_check_catches_a_backwards_model(exercise: ModuleType) -> None:
    """Your directional check fails a model whose risk falls as the ratio rises."""
    frame = generate(200, seed=12)
    try:
        exercise.expect_more_charges_per_month_more_churn(Scored(rising=False), frame)
    except AssertionError:
        return
    pytest.fail(
        "your check passed a model whose churn risk falls as charges per month of "
        "tenure rise: compare the risk at a high and a low value, and assert the "
        "direction",
        pytrace=False,
    )


def test_the_trained_model_meets_the_expectation(
    exercise: ModuleType, model, rows: pd.DataFrame
) -> None:
    """The model you train meets your directional expectation."""
    try:
        exercise.expect_more_charges_per_month_more_churn(model, rows.head(300))
    except AssertionError as error:
        pytest.fail(f"the trained model fails your check: {error}", pytrace=False)


def test_training_twice_gives_the_same_hash(
    exercise: ModuleType, rows: pd.DataFrame, tmp_path: Path
) -> None:
    """Training twice on the same rows gives the same artifact hash."""
    first = save_model(exercise.train_model(rows, CONFIG), tmp_path / "first.skops")
    second = save_model(exercise.train_model(rows, CONFIG), tmp_path / "second.skops")
    assert first == second, (
        f"two trainings on the same rows and config saved files with SHA-256 "
        f"{first[:12]}... and {second[:12]}...: want the same bytes; fix every seed"
    )
