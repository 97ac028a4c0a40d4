"""The serving fast path: the fitted pipeline's own arithmetic, on plain records.

Scoring one customer through the pipeline costs about 10 ms, and most of it is not
arithmetic: the `ColumnTransformer` builds and checks a `DataFrame` for a single row,
and the classifier makes a Python call per tree. `RowScorer` reads the numbers the
fitted pipeline learned (the scaler's means and scales, the encoder's categories,
the trees' nodes) and applies them to plain dictionaries with NumPy. Nothing is
learned twice: every parameter comes from the trained pipeline, and `check_parity`
proves, on every load, that both paths compute the same values to the last bit. A
model this module does not understand is refused, never scored approximately.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils.validation import check_is_fitted

from churn.features import BOOLEAN_FEATURES, CATEGORICAL_FEATURES, NUMERIC_FEATURES
from churn.trees import Trees, compile_trees

Record = Mapping[str, Any]
# Up to this many rows the compiled trees are faster than the classifier's own
# predict_proba; beyond it, the classifier is (measured: benchmarks/service.py).
TREES_UP_TO = 32


class ParityError(ValueError):
    """The fast path and the pipeline disagree, or the pipeline has another shape."""


# --8<-- [start:scorer]
@dataclass(frozen=True)
class RowScorer:
    """Score records with a fitted pipeline's parameters, without building a DataFrame.

    Attributes:
        mean: The scaler's learned mean of each numeric feature.
        scale: The scaler's learned scale of each numeric feature.
        categories: The encoder's learned categories, one tuple per feature.
        classifier: The pipeline's fitted classifier: fastest for many rows.
        trees: The same classifier's trees, compiled (`churn.trees`): fastest for
            a few rows, where the classifier's cost per call dominates.
    """

    mean: np.ndarray
    scale: np.ndarray
    categories: tuple[tuple[str, ...], ...]
    classifier: Any
    trees: Trees

    @classmethod
    def from_pipeline(cls, pipeline: Pipeline) -> RowScorer:
        """Read the learned parameters of a pipeline built by `churn.train`.

        Raises:
            NotFittedError: If the pipeline has not been fitted.
            ParityError: If the pipeline's preprocessing is not the expected one.
            UnsupportedModelError: If its classifier cannot be compiled.
        """
        check_is_fitted(pipeline)
        features = pipeline.steps[0][1]
        scaler, encoder = _fitted_parts(features)
        return cls(
            mean=np.asarray(scaler.mean_, dtype=float),
            scale=np.asarray(scaler.scale_, dtype=float),
            categories=tuple(tuple(c) for c in encoder.categories_),
            classifier=pipeline.steps[-1][1],
            trees=compile_trees(pipeline.steps[-1][1]),
        )

    def encode(self, records: Sequence[Record]) -> np.ndarray:
        """Return the feature matrix the pipeline's preprocessor would return."""
        numeric = np.array(
            [[record[name] for name in NUMERIC_FEATURES] for record in records],
            dtype=float,
        )
        blocks = [(numeric - self.mean) / self.scale]
        for name, known in zip(CATEGORICAL_FEATURES, self.categories, strict=True):
            values = np.array([record[name] for record in records], dtype=object)
            # An unseen category matches no column: all zeros, as handle_unknown
            # "ignore" does in training.
            blocks.append((values[:, None] == np.array(known, dtype=object)) * 1.0)
        flags = [[record[name] for name in BOOLEAN_FEATURES] for record in records]
        blocks.append(np.array(flags, dtype=float))
        return np.hstack(blocks)

    def churn_probability(self, records: Sequence[Record]) -> np.ndarray:
        """Return the probability of churn for each record, in order."""
        features = self.encode(records)
        if len(records) <= TREES_UP_TO:
            return self.trees.churn_probability(features)
        return self.classifier.predict_proba(features)[:, 1]


# --8<-- [end:scorer]


def _fitted_parts(features: object) -> tuple[StandardScaler, OneHotEncoder]:
    """Return the expected preprocessor's scaler and encoder, or say what differs."""
    if not isinstance(features, ColumnTransformer):
        kind = type(features).__name__
        raise ParityError(f"expected a ColumnTransformer, got {kind}")
    found = [(name, columns) for name, _, columns in features.transformers_]
    expected = [
        ("numeric", NUMERIC_FEATURES),
        ("categorical", CATEGORICAL_FEATURES),
        ("boolean", BOOLEAN_FEATURES),
    ]
    if found != expected:
        raise ParityError(f"expected transformers {expected}, found {found}")
    scaler = features.named_transformers_["numeric"]
    encoder = features.named_transformers_["categorical"]
    if not isinstance(scaler, StandardScaler) or not isinstance(encoder, OneHotEncoder):
        raise ParityError("expected a StandardScaler and a OneHotEncoder")
    if encoder.drop is not None or encoder.handle_unknown != "ignore":
        raise ParityError("expected a OneHotEncoder with drop=None, unknowns ignored")
    if not (scaler.with_mean and scaler.with_std):
        raise ParityError("expected a StandardScaler that centres and scales")
    return scaler, encoder


# --8<-- [start:parity]
def check_parity(scorer: RowScorer, pipeline: Pipeline, frame: pd.DataFrame) -> None:
    """Prove on `frame` that the fast path scores exactly as the pipeline does.

    Args:
        scorer: The fast path, built from `pipeline`.
        pipeline: The fitted pipeline, the reference.
        frame: Rows with every feature column, e.g. a sample of generated data.

    Raises:
        ParityError: Naming the first feature column, or the scoring path and the
            row, that differs.
    """
    records = frame.to_dict(orient="records")
    expected = pipeline.steps[0][1].transform(frame)
    encoded = scorer.encode(records)
    if encoded.shape != expected.shape:
        have, want = encoded.shape[1], expected.shape[1]
        raise ParityError(f"{have} features, the pipeline has {want}")
    for column in range(expected.shape[1]):
        if not np.array_equal(encoded[:, column], expected[:, column]):
            name = pipeline.steps[0][1].get_feature_names_out()[column]
            raise ParityError(f"feature {name!r} differs from the pipeline's")
    reference = pipeline.predict_proba(frame)[:, 1]
    both = {
        "compiled trees": scorer.trees.churn_probability(encoded),
        "classifier": scorer.classifier.predict_proba(encoded)[:, 1],
    }
    for path, probabilities in both.items():
        differs = np.flatnonzero(probabilities != reference)
        if differs.size:
            row = differs[0]
            raise ParityError(f"{path}: probability of row {row} differs")


# --8<-- [end:parity]
