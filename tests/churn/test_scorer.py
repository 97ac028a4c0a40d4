"""The fast path scores exactly as the pipeline does, and refuses what it cannot."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from churn.config import Config
from churn.data import TARGET
from churn.features import (
    BOOLEAN_FEATURES,
    CATEGORICAL_FEATURES,
    FEATURES,
    NUMERIC_FEATURES,
    build_preprocessor,
)
from churn.scorer import TREES_UP_TO, ParityError, RowScorer, check_parity
from churn.train import build_pipeline


@pytest.fixture(scope="module")
def scorer(model: Pipeline) -> RowScorer:
    return RowScorer.from_pipeline(model)


@pytest.fixture(scope="module")
def rows(test_frame: pd.DataFrame) -> pd.DataFrame:
    return test_frame[FEATURES].head(300)


def test_features_are_identical_to_the_pipelines(
    scorer: RowScorer, model: Pipeline, rows: pd.DataFrame
) -> None:
    encoded = scorer.encode(rows.to_dict(orient="records"))
    assert np.array_equal(encoded, model.steps[0][1].transform(rows))


def test_probabilities_are_identical_to_the_pipelines(
    scorer: RowScorer, model: Pipeline, rows: pd.DataFrame
) -> None:
    fast = scorer.churn_probability(rows.to_dict(orient="records"))
    assert np.array_equal(fast, model.predict_proba(rows)[:, 1])


def test_an_unseen_category_encodes_as_zeros_like_the_pipeline(
    scorer: RowScorer, model: Pipeline, rows: pd.DataFrame
) -> None:
    odd = rows.head(3).assign(region="atlantis")
    encoded = scorer.encode(odd.to_dict(orient="records"))
    assert np.array_equal(encoded, model.steps[0][1].transform(odd))


def test_check_parity_passes_for_a_pipeline_and_its_scorer(
    scorer: RowScorer, model: Pipeline, rows: pd.DataFrame
) -> None:
    check_parity(scorer, model, rows)  # raises if anything differs


def test_check_parity_names_the_feature_that_differs(
    scorer: RowScorer, model: Pipeline, rows: pd.DataFrame
) -> None:
    shifted = dataclasses.replace(scorer, mean=scorer.mean + np.array([0.0, 0.5, 0.0]))
    with pytest.raises(ParityError, match="feature 'monthly_charges' differs"):
        check_parity(shifted, model, rows)


def test_check_parity_finds_a_missing_feature_column(
    scorer: RowScorer, model: Pipeline, rows: pd.DataFrame
) -> None:
    fewer = dataclasses.replace(scorer, categories=(scorer.categories[0][:-1],))
    fewer = dataclasses.replace(
        fewer, categories=fewer.categories + scorer.categories[1:]
    )
    with pytest.raises(ParityError, match="features, the pipeline has"):
        check_parity(fewer, model, rows)


@pytest.fixture(scope="module")
def other(train_frame: pd.DataFrame) -> Pipeline:
    """Another model, trained with another seed on fewer rows."""
    rows = train_frame.head(500)
    return build_pipeline(Config(seed=99)).fit(rows[FEATURES], rows[TARGET])


@pytest.mark.parametrize(
    ("part", "path"), [("classifier", "classifier"), ("trees", "compiled trees")]
)
def test_check_parity_names_the_scoring_path_that_differs(
    scorer: RowScorer,
    model: Pipeline,
    rows: pd.DataFrame,
    other: Pipeline,
    part: str,
    path: str,
) -> None:
    swapped = dataclasses.replace(
        scorer, **{part: getattr(RowScorer.from_pipeline(other), part)}
    )
    with pytest.raises(ParityError, match=f"^{path}: probability of row 0 differs"):
        check_parity(swapped, model, rows)


@pytest.mark.parametrize("n", [1, TREES_UP_TO, TREES_UP_TO + 1, 300])
def test_both_scoring_paths_match_the_pipeline(
    scorer: RowScorer, model: Pipeline, rows: pd.DataFrame, n: int
) -> None:
    fast = scorer.churn_probability(rows.head(n).to_dict(orient="records"))
    assert np.array_equal(fast, model.predict_proba(rows.head(n))[:, 1])


def fitted(features: object, frame: pd.DataFrame) -> Pipeline:
    """A quick pipeline with the given preprocessing, fitted on a few rows."""
    model = HistGradientBoostingClassifier(max_iter=5)
    pipeline = Pipeline([("features", features), ("model", model)])
    return pipeline.fit(frame[FEATURES].head(400), frame[TARGET].head(400))


def preprocessor(
    scaler: object = None, encoder: object = None, numeric: list[str] | None = None
) -> ColumnTransformer:
    """The standard preprocessor with one part replaced."""
    return ColumnTransformer(
        [
            ("numeric", scaler or StandardScaler(), numeric or NUMERIC_FEATURES),
            (
                "categorical",
                encoder or OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                CATEGORICAL_FEATURES,
            ),
            ("boolean", "passthrough", BOOLEAN_FEATURES),
        ],
        verbose_feature_names_out=False,
    )


@pytest.mark.parametrize(
    ("features", "message"),
    [
        (StandardScaler(), "expected a ColumnTransformer, got StandardScaler"),
        (preprocessor(numeric=["tenure_months"]), "expected transformers"),
        (preprocessor(scaler="passthrough"), "a StandardScaler and a OneHotEncoder"),
        (
            preprocessor(encoder=OneHotEncoder(drop="first", sparse_output=False)),
            "drop=None, unknowns ignored",
        ),
        (
            preprocessor(encoder=OneHotEncoder(sparse_output=False)),
            "drop=None, unknowns ignored",
        ),
        (preprocessor(scaler=StandardScaler(with_mean=False)), "centres and scales"),
    ],
)
def test_a_pipeline_of_another_shape_is_refused(
    features: object, message: str, train_frame: pd.DataFrame
) -> None:
    if isinstance(features, StandardScaler):
        frame = train_frame[NUMERIC_FEATURES].head(400)
        pipeline = Pipeline([("features", features), ("model", LogisticRegression())])
        pipeline.fit(frame, train_frame[TARGET].head(400))
    else:
        pipeline = fitted(features, train_frame)
    with pytest.raises(ParityError, match=message):
        RowScorer.from_pipeline(pipeline)


def test_the_standard_preprocessor_is_accepted(train_frame: pd.DataFrame) -> None:
    scorer = RowScorer.from_pipeline(fitted(build_preprocessor(), train_frame))
    assert len(scorer.categories) == len(CATEGORICAL_FEATURES)


def test_an_unfitted_pipeline_is_refused() -> None:
    with pytest.raises(NotFittedError):
        RowScorer.from_pipeline(build_pipeline(Config()))
