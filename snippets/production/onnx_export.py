"""Export the churn pipeline to ONNX, and prove it answers as scikit-learn does.

ONNX stores a model as a graph of standard operators, not as Python objects, so
loading one runs no code from the file, and any ONNX runtime can serve it: from
C++, Java, C#, JavaScript or Python without scikit-learn. The price is a second
implementation of the model, written by a converter. A converter can fail, and
worse, it can succeed and compute something slightly different. So an export is
trusted only after its probabilities are compared with scikit-learn's on
held-out rows, within a stated tolerance.
"""

from __future__ import annotations

# --8<-- [start:imports]
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from onnxruntime import InferenceSession, SessionOptions
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

from churn.artifacts import ArtifactError, sha256
from churn.features import (
    BOOLEAN_FEATURES,
    CATEGORICAL_FEATURES,
    FEATURES,
    NUMERIC_FEATURES,
)

# --8<-- [end:imports]

# --8<-- [start:opset]
OPSET = 18  # the ONNX operator set: one every current runtime supports
# --8<-- [end:opset]
# --8<-- [start:tolerance]
# Trees sum 150 leaf values in float32 (about 7 significant digits), so rounding
# moves a probability by around 1e-7. A split taken the other way moves it by far
# more. The tolerance sits between the two.
TOLERANCE = 1e-5
PROBABILITIES = "probabilities"
# The NumPy type to feed for each ONNX input type.
_NUMPY_TYPES = {
    "tensor(double)": np.float64,
    "tensor(float)": np.float32,
    "tensor(bool)": np.bool_,
    "tensor(string)": np.str_,
}
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


# --8<-- [start:score]
def onnx_session(data: bytes, *, threads: int = 1) -> InferenceSession:
    """Open an ONNX model with ONNX Runtime on the CPU.

    One thread by default: results then do not depend on the machine, and a
    service scales with processes rather than threads per request.
    """
    options = SessionOptions()
    options.intra_op_num_threads = threads
    return InferenceSession(data, options, providers=["CPUExecutionProvider"])


def onnx_probabilities(session: InferenceSession, frame: pd.DataFrame) -> np.ndarray:
    """Churn probabilities for the rows of a frame, from an ONNX session.

    Raises:
        ValueError: If the frame lacks a column the model reads, or the model
            has an input of a type this function cannot feed.
    """
    inputs = session.get_inputs()
    missing = sorted({i.name for i in inputs} - set(frame.columns))
    if missing:
        raise ValueError(f"the frame lacks the model's input columns {missing}")
    feeds = {}
    for node in inputs:
        if node.type not in _NUMPY_TYPES:
            raise ValueError(f"input {node.name!r} has unsupported type {node.type}")
        column = frame[node.name].to_numpy(dtype=_NUMPY_TYPES[node.type])
        feeds[node.name] = column.reshape(-1, 1)  # one column per input
    (probabilities,) = session.run([PROBABILITIES], feeds)
    return probabilities[:, 1]


# --8<-- [end:score]


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
    session: InferenceSession,
    frame: pd.DataFrame,
    tolerance: float = TOLERANCE,
) -> Parity:
    """Score the same rows with scikit-learn and with ONNX Runtime, and compare.

    Args:
        model: The fitted pipeline that was exported.
        session: The exported model, opened with `onnx_session`.
        frame: Held-out rows with every feature column.
        tolerance: The largest absolute difference in probability accepted.

    Returns:
        The comparison; ``parity.ok`` is the verdict.
    """
    rows = frame[FEATURES]
    expected = model.predict_proba(rows)[:, 1]
    actual = onnx_probabilities(session, rows)
    return Parity(
        rows=len(frame),
        max_abs_diff=float(np.max(np.abs(actual - expected))),
        tolerance=tolerance,
        labels_differ=int(np.sum((actual > 0.5) != (expected > 0.5))),
    )


# --8<-- [end:parity]


# --8<-- [start:files]
def save_onnx(data: bytes, path: str | Path) -> str:
    """Write an exported model and return its SHA-256, to record in the registry."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return sha256(path)


def load_onnx(path: str | Path, expected_sha256: str) -> InferenceSession:
    """Open an ONNX file only if it is byte for byte the one recorded.

    Raises:
        ArtifactError: If the file's hash is not the recorded one.
        FileNotFoundError: If there is no file at path.
    """
    data = Path(path).read_bytes()
    actual = hashlib.sha256(data).hexdigest()  # the bytes that will be loaded
    if actual != expected_sha256:
        raise ArtifactError(
            f"{path}: SHA-256 is {actual[:12]}..., expected {expected_sha256[:12]}...;"
            " refusing to load a file that is not the recorded artifact"
        )
    return onnx_session(data)


# --8<-- [end:files]
