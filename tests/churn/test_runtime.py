"""Scoring at serving time: ONNX Runtime on records and columns, or the pipeline."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from onnx import TensorProto, helper
from sklearn.pipeline import Pipeline

from churn.artifacts import ArtifactError, save_model
from churn.export import OPSET, TOLERANCE, to_onnx
from churn.features import FEATURES
from churn.runtime import (
    ONNX_RUNTIME,
    SCIKIT_LEARN,
    OnnxScorer,
    PipelineScorer,
    load_onnx,
    load_pipeline,
)


@pytest.fixture(scope="module")
def exported(model: Pipeline) -> bytes:
    return to_onnx(model)


@pytest.fixture(scope="module")
def rows(test_frame: pd.DataFrame) -> pd.DataFrame:
    return test_frame.head(200)


def test_records_and_columns_score_alike_and_as_the_pipeline(
    model: Pipeline, exported: bytes, rows: pd.DataFrame
) -> None:
    scorer = OnnxScorer(exported)
    records = rows[FEATURES].to_dict(orient="records")
    by_records = scorer.churn_probability(records)
    np.testing.assert_array_equal(by_records, scorer.score_columns(rows))
    expected = model.predict_proba(rows[FEATURES])[:, 1]
    np.testing.assert_allclose(by_records, expected, rtol=0, atol=TOLERANCE)
    assert scorer.runtime == ONNX_RUNTIME


def test_one_record_scores_as_it_does_among_many(exported: bytes, rows) -> None:
    scorer = OnnxScorer(exported)
    records = rows[FEATURES].to_dict(orient="records")
    alone = [float(scorer.churn_probability([record])[0]) for record in records[:5]]
    assert alone == scorer.churn_probability(records[:5]).tolist()


def test_sessions_use_one_thread(exported: bytes) -> None:
    options = OnnxScorer(exported).session.get_session_options()
    assert (options.intra_op_num_threads, options.inter_op_num_threads) == (1, 1)


def test_a_missing_column_is_named(exported: bytes, rows: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match=r"the model's input columns \['region'"):
        OnnxScorer(exported).score_columns(rows.drop(columns=["region", "senior"]))


def test_an_input_type_it_cannot_feed_is_named() -> None:
    graph = helper.make_graph(
        [helper.make_node("Identity", ["tenure_months"], ["probabilities"])],
        "integers",
        [helper.make_tensor_value_info("tenure_months", TensorProto.INT64, [None, 1])],
        [helper.make_tensor_value_info("probabilities", TensorProto.INT64, [None, 1])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 9  # one every supported ONNX Runtime reads
    with pytest.raises(ValueError, match=r"'tenure_months' has unsupported type"):
        OnnxScorer(model.SerializeToString())


def test_an_onnx_file_loads_only_with_its_hash(exported: bytes, tmp_path) -> None:
    path = tmp_path / "model.onnx"
    path.write_bytes(exported)
    digest = hashlib.sha256(exported).hexdigest()
    assert load_onnx(path, digest).runtime == ONNX_RUNTIME
    path.write_bytes(exported + b"\0")
    with pytest.raises(ArtifactError, match="refusing to load a file"):
        load_onnx(path, digest)
    with pytest.raises(FileNotFoundError):
        load_onnx(tmp_path / "absent.onnx", digest)


def test_the_fallback_scores_exactly_as_the_pipeline(
    model: Pipeline, rows: pd.DataFrame, tmp_path
) -> None:
    path = tmp_path / "model.skops"
    scorer = load_pipeline(path, save_model(model, path))
    records = rows[FEATURES].to_dict(orient="records")
    expected = model.predict_proba(rows[FEATURES])[:, 1]
    np.testing.assert_array_equal(scorer.churn_probability(records), expected)
    assert scorer.runtime == SCIKIT_LEARN


def test_an_unfitted_pipeline_is_refused_when_loaded() -> None:
    from sklearn.exceptions import NotFittedError

    from churn.config import Config
    from churn.train import build_pipeline

    with pytest.raises(NotFittedError):
        PipelineScorer(build_pipeline(Config()))


def test_serving_through_onnx_imports_no_training_library() -> None:
    # What the serving process loads: no scikit-learn, pandas, pandera or skl2onnx.
    code = (
        "import sys, churn.runtime;"
        "print(sorted(m for m in ('sklearn', 'pandas', 'pandera', 'skl2onnx', 'skops')"
        " if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
