"""Scoring at serving time: the ONNX export through ONNX Runtime, or the pipeline.

The service scores through ONNX Runtime: a maintained inference engine that runs
the graph `churn.export` wrote from the fitted pipeline, preprocessing included.
One call costs a fraction of a millisecond, for one row or a thousand, and this
module imports neither scikit-learn nor pandas, so the serving process starts
fast. When a version has no ONNX file (its conversion failed, or the model came
as a bare skops file), `PipelineScorer` scores with the pipeline itself: slower
per call, and the same answers by definition.

Both scorers take records (mappings of feature name to value) and return one
churn probability per record, so the service does not care which one it holds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from onnxruntime import InferenceSession, SessionOptions

from churn.artifacts import load_model, read_verified
from churn.features import FEATURES

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

Record = Mapping[str, Any]
PROBABILITIES = "probabilities"  # the export's output: one column per class
ONNX_RUNTIME = "onnxruntime"
SCIKIT_LEARN = "scikit-learn"
# The NumPy type to feed for each ONNX input type the export uses.
_NUMPY_TYPES = {
    "tensor(double)": np.float64,
    "tensor(float)": np.float32,
    "tensor(bool)": np.bool_,
    "tensor(string)": np.str_,
}


class Scorer(Protocol):
    """What the service needs from a model: probabilities, and what computes them."""

    runtime: str

    def churn_probability(self, records: Sequence[Record]) -> np.ndarray:
        """Return the probability of churn for each record, in order."""
        ...


# --8<-- [start:onnx]
class OnnxScorer:
    """Score with an ONNX model in ONNX Runtime, on the CPU, one thread.

    One thread: results then do not depend on the machine, and a service scales
    with processes, not with threads per request.

    Args:
        data: The ONNX model's bytes, as `churn.export.to_onnx` wrote them.

    Raises:
        ValueError: If the model has an input of a type this class cannot feed.
    """

    runtime = ONNX_RUNTIME

    def __init__(self, data: bytes) -> None:
        options = SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self.session = InferenceSession(
            data, options, providers=["CPUExecutionProvider"]
        )
        self._inputs: list[tuple[str, type]] = []
        for node in self.session.get_inputs():
            if node.type not in _NUMPY_TYPES:
                raise ValueError(
                    f"input {node.name!r} has unsupported type {node.type}"
                )
            self._inputs.append((node.name, _NUMPY_TYPES[node.type]))

    def churn_probability(self, records: Sequence[Record]) -> np.ndarray:
        """Return the probability of churn for each record, in order."""
        return self.score_columns(
            {name: [record[name] for record in records] for name, _ in self._inputs}
        )

    def score_columns(self, columns: Mapping[str, Any]) -> np.ndarray:
        """Score columns of equal length: a DataFrame, or a dict of lists.

        Raises:
            ValueError: If a column the model reads is missing.
        """
        missing = sorted(name for name, _ in self._inputs if name not in columns)
        if missing:
            raise ValueError(f"missing the model's input columns {missing}")
        feeds = {  # the export takes one [rows, 1] tensor per feature
            name: np.asarray(columns[name], dtype=kind).reshape(-1, 1)
            for name, kind in self._inputs
        }
        (probabilities,) = self.session.run([PROBABILITIES], feeds)
        return probabilities[:, 1]


def load_onnx(path: str | Path, expected_sha256: str) -> OnnxScorer:
    """Open an ONNX file only if it is byte for byte the one the registry recorded.

    Raises:
        ArtifactError: If the file's hash is not the recorded one.
        FileNotFoundError: If there is no file at path.
    """
    return OnnxScorer(read_verified(path, expected_sha256))


# --8<-- [end:onnx]


class PipelineScorer:
    """Score with the fitted scikit-learn pipeline: the fallback without an export.

    Args:
        pipeline: A pipeline from `churn.train.train`.

    Raises:
        NotFittedError: If the pipeline has not been fitted: refused at load,
            not on the first request.
    """

    runtime = SCIKIT_LEARN

    def __init__(self, pipeline: Pipeline) -> None:
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(pipeline)
        self.pipeline = pipeline

    def churn_probability(self, records: Sequence[Record]) -> np.ndarray:
        """Return the probability of churn for each record, in order."""
        import pandas as pd  # only this fallback needs pandas at serving time

        frame = pd.DataFrame.from_records(list(records), columns=FEATURES)
        return self.pipeline.predict_proba(frame)[:, 1]


def load_pipeline(path: str | Path, expected_sha256: str) -> PipelineScorer:
    """Load a skops model file (hash and types checked) to score with.

    Raises:
        ArtifactError: If the file's hash differs or it holds untrusted types.
        FileNotFoundError: If there is no file at path.
    """
    return PipelineScorer(load_model(path, expected_sha256))
