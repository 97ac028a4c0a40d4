"""Export the churn pipeline to ONNX at registration, and prove it answers the same.

ONNX stores a model as a graph of standard operators, not as Python objects, so
loading one runs no code from the file, and any ONNX runtime can serve it: from
C++, Java, C#, JavaScript or Python without scikit-learn. The price is a second
implementation of the model, written by a converter. A converter can fail, and
worse, it can succeed and compute something slightly different. So an export is
trusted only after its probabilities are compared with scikit-learn's on
held-out rows, within a stated tolerance.

`export` does both when the training pipeline registers a model: the ONNX file
is stored next to the skops file, and the proof (how many rows, the largest
difference, the tolerance) is recorded with the file's hash. The service then
loads the file only if its hash matches (`churn.runtime.load_onnx`), so the
proof made once holds for every start. This module is for training time: it
imports skl2onnx and scikit-learn, which the serving process never needs.
"""

from __future__ import annotations

# --8<-- [start:imports]
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from skl2onnx import convert_sklearn
from skl2onnx.common import tree_ensemble
from skl2onnx.common.data_types import (
    BooleanTensorType,
    DoubleTensorType,
    FloatTensorType,
    StringTensorType,
)
from skl2onnx.sklapi import CastTransformer
from sklearn.pipeline import Pipeline

from churn.features import (
    BOOLEAN_FEATURES,
    CATEGORICAL_FEATURES,
    FEATURES,
    NUMERIC_FEATURES,
)
from churn.runtime import OnnxScorer

# --8<-- [end:imports]

# --8<-- [start:opset]
OPSET = 18  # the ONNX operator set: one every current runtime supports
# --8<-- [end:opset]
# --8<-- [start:tolerance]
# Trees sum 150 leaf values in float32 (about 7 significant digits), so rounding
# moves a probability by around 1e-7. A split taken the other way moves it by far
# more. The tolerance sits between the two.
TOLERANCE = 1e-5
# --8<-- [end:tolerance]


# --8<-- [start:export]
def to_onnx(model: Pipeline, *, double_features: bool = True) -> bytes:
    """Convert a fitted churn pipeline into a serialized ONNX model.

    Args:
        model: A pipeline from `churn.train.train`: the ``features``
            ColumnTransformer, then the ``classifier``.
        double_features: Compute the features in float64, as scikit-learn does,
            and cast them to float32 only where the trees read them. False
            computes everything in float32, which a plain conversion does, and
            which moves some rows to the other side of a split.

    Returns:
        The ONNX model's bytes. Its inputs are named after the feature columns;
        its outputs are ``label`` and ``probabilities``.
    """
    features = model.named_steps["features"]
    classifier = model.named_steps["classifier"]
    steps: list[tuple[str, Any]] = [("features", features)]
    if double_features:  # ONNX's tree operator reads float32 in any case
        steps.append(("float32", CastTransformer(dtype=np.float32)))
    exported = Pipeline([*steps, ("classifier", classifier)])
    number = DoubleTensorType if double_features else FloatTensorType
    inputs = [
        *[(name, number([None, 1])) for name in NUMERIC_FEATURES],
        *[(name, StringTensorType([None, 1])) for name in CATEGORICAL_FEATURES],
        *[(name, BooleanTensorType([None, 1])) for name in BOOLEAN_FEATURES],
    ]
    with _leaf_flags_as_integers():
        onnx_model = convert_sklearn(
            exported,
            name="churn",  # otherwise a random name, and different bytes each time
            initial_types=inputs,
            target_opset=OPSET,
            options={id(classifier): {"zipmap": False}},  # a plain array, not dicts
        )
    return onnx_model.SerializeToString()


# --8<-- [end:export]


# --8<-- [start:workaround]
@contextmanager
def _leaf_flags_as_integers() -> Iterator[None]:
    """Work around a converter bug for the length of one conversion.

    skl2onnx 1.20 writes the missing-value flag of each leaf of a
    HistGradientBoosting tree as Python's False into a list of integers.
    protobuf 7.34 and later refuse a boolean there, so the conversion fails.
    Passing the flag on as an integer changes nothing else.
    ``test_the_converter_still_needs_the_workaround`` fails once a release fixes
    the bug, as the signal to delete this function.
    """
    original = tree_ensemble.add_node

    def add_node(*args: Any, nodes_missing_value_tracks_true: Any = 0, **kw: Any):
        flag = int(nodes_missing_value_tracks_true)
        return original(*args, nodes_missing_value_tracks_true=flag, **kw)

    tree_ensemble.add_node = add_node
    try:
        yield
    finally:
        tree_ensemble.add_node = original


# --8<-- [end:workaround]


# --8<-- [start:parity]
@dataclass(frozen=True)
class Parity:
    """How far an exported model's probabilities are from scikit-learn's.

    Attributes:
        rows: Rows compared.
        max_abs_diff: Largest absolute difference between two probabilities.
        tolerance: The largest difference accepted.
        labels_differ: Rows whose predicted class (at 0.5) differs.
    """

    rows: int
    max_abs_diff: float
    tolerance: float
    labels_differ: int

    @property
    def ok(self) -> bool:
        """Whether every probability is within the tolerance."""
        return self.max_abs_diff <= self.tolerance


def check_parity(
    model: Pipeline,
    scorer: OnnxScorer,
    frame: pd.DataFrame,
    tolerance: float = TOLERANCE,
) -> Parity:
    """Score the same rows with scikit-learn and with ONNX Runtime, and compare.

    Args:
        model: The fitted pipeline that was exported.
        scorer: The exported model, opened with `churn.runtime.OnnxScorer`.
        frame: Held-out rows with every feature column.
        tolerance: The largest absolute difference in probability accepted.

    Returns:
        The comparison; ``parity.ok`` is the verdict.
    """
    rows = frame[FEATURES]
    expected = model.predict_proba(rows)[:, 1]
    actual = scorer.score_columns(rows)
    return Parity(
        rows=len(frame),
        max_abs_diff=float(np.max(np.abs(actual - expected))),
        tolerance=tolerance,
        labels_differ=int(np.sum((actual > 0.5) != (expected > 0.5))),
    )


# --8<-- [end:parity]


# --8<-- [start:register]
@dataclass(frozen=True)
class Export:
    """The outcome of exporting one model: a proven ONNX file, or why there is none.

    Attributes:
        data: The ONNX model's bytes; None if the model must be served as it is.
        parity: The comparison with scikit-learn, if the conversion succeeded.
        reason: Why there is no file to serve, or None.
    """

    data: bytes | None
    parity: Parity | None
    reason: str | None

    def tags(self) -> dict[str, str]:
        """The proof, or the reason, as registry tags: what the service reports."""
        if self.parity is None or self.data is None:
            return {"onnx_unavailable": str(self.reason)}
        return {
            "onnx_parity_rows": str(self.parity.rows),
            "onnx_max_abs_diff": f"{self.parity.max_abs_diff:.3g}",
            "onnx_tolerance": f"{self.parity.tolerance:g}",
        }


def export(model: Pipeline, frame: pd.DataFrame) -> Export:
    """Convert a fitted pipeline and prove the result on held-out rows.

    A conversion that fails, or that scores any row further from scikit-learn
    than `TOLERANCE`, gives no file: the model is then served by scikit-learn,
    slower and never wrong, and the reason is recorded with the version.

    Args:
        model: The fitted pipeline being registered.
        frame: Held-out rows with every feature column.
    """
    try:
        data = to_onnx(model)
        parity = check_parity(model, OnnxScorer(data), frame)
    except Exception as error:  # any converter failure: fall back, and say why
        first = (str(error).splitlines() or [""])[0]
        return Export(None, None, f"conversion failed: {type(error).__name__}: {first}")
    if not parity.ok:
        reason = (
            f"parity failed: max |dp| {parity.max_abs_diff:.3g}"
            f" > {parity.tolerance:g} on {parity.rows} rows"
        )
        return Export(None, parity, reason)
    return Export(data, parity, None)


# --8<-- [end:register]
