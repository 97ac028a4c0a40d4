import math

import numpy as np
import pandas as pd
import pytest
from prometheus_client import CollectorRegistry, generate_latest
from sklearn.pipeline import Pipeline

from churn.config import Config
from churn.data import TARGET, generate
from churn.features import FEATURES
from churn.serve import ModelLoadError
from churn.train import train
from production.fallback import FallbackPredictor, RateTable, model_scorer


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return generate(1_000, seed=1)


@pytest.fixture(scope="module")
def model(frame: pd.DataFrame) -> Pipeline:
    return train(frame, Config(n_rows=len(frame)))


@pytest.fixture(scope="module")
def rates(frame: pd.DataFrame) -> RateTable:
    return RateTable.fit(frame, "contract")


@pytest.fixture
def customers() -> pd.DataFrame:
    return generate(5, seed=2).drop(columns=TARGET)


def unavailable(rows: pd.DataFrame) -> list[float]:
    raise ModelLoadError("model file not found: models/churn.skops")


def test_model_scorer_returns_the_pipelines_probabilities(model, customers):
    expected = model.predict_proba(customers[FEATURES])[:, 1]
    assert list(model_scorer(model)(customers)) == list(expected)


def test_rate_table_learns_the_churn_rate_per_value(frame, rates):
    expected = frame.groupby("contract")[TARGET].mean()
    assert rates.rates == pytest.approx(expected.to_dict())
    assert rates.overall == pytest.approx(frame[TARGET].mean())
    rows = pd.DataFrame({"contract": ["two-year", "weekly"]})
    assert rates(rows) == [expected["two-year"], rates.overall]


def test_the_primary_answers_when_it_works(model, rates, customers):
    predictor = FallbackPredictor(model_scorer(model), rates, default=0.3)
    answer = predictor.predict(customers)
    assert answer.source == "primary"
    assert not answer.degraded
    assert answer.reason is None
    expected = model.predict_proba(customers[FEATURES])[:, 1]
    assert answer.probabilities == pytest.approx(tuple(expected))
    assert predictor.count("fallback") == predictor.count("default") == 0


def test_an_unavailable_primary_falls_back_and_is_counted(rates, customers):
    predictor = FallbackPredictor(unavailable, rates, default=0.3)
    answer = predictor.predict(customers)
    assert answer.source == "fallback"
    assert answer.degraded
    assert answer.reason == (
        "primary: ModelLoadError: model file not found: models/churn.skops"
    )
    assert answer.probabilities == tuple(rates(customers))
    predictor.predict(customers)
    assert predictor.count("fallback") == 2
    assert predictor.count("default") == 0


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ([math.nan] * 5, "not a probability"),
        ([1.5] * 5, "not a probability"),
        ([0.5] * 4, "returned 4 scores for 5 rows"),
    ],
)
def test_invalid_primary_output_is_not_served(rates, customers, scores, message):
    predictor = FallbackPredictor(lambda rows: scores, rates, default=0.3)
    answer = predictor.predict(customers)
    assert answer.source == "fallback"
    assert message in answer.reason


def test_when_everything_fails_the_default_answers(customers):
    def broken(rows: pd.DataFrame) -> list[float]:
        raise KeyError("contract")

    predictor = FallbackPredictor(unavailable, broken, default=0.27)
    answer = predictor.predict(customers)
    assert answer.source == "default"
    assert answer.degraded
    assert answer.probabilities == (0.27,) * 5
    assert answer.reason.endswith("; fallback: KeyError: 'contract'")
    assert predictor.count("default") == 1


def test_without_a_fallback_model_the_default_answers(customers):
    answer = FallbackPredictor(unavailable, None, default=0.27).predict(customers)
    assert answer.source == "default"
    assert answer.reason.startswith("primary: ModelLoadError")


def test_the_counter_is_exposed_in_the_given_registry(rates, customers):
    registry = CollectorRegistry()
    FallbackPredictor(unavailable, rates, 0.3, registry=registry).predict(customers)
    text = generate_latest(registry).decode()
    assert 'churn_degraded_answers_total{source="fallback"} 1.0' in text


@pytest.mark.parametrize("default", [-0.1, 1.1, np.nan])
def test_the_default_must_be_a_probability(default):
    with pytest.raises(ValueError, match="default must be a probability"):
        FallbackPredictor(unavailable, None, default=default)
