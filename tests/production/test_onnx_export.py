import numpy as np
import onnx
import pandas as pd
import pytest
from onnx import TensorProto, helper
from skl2onnx import convert_sklearn
from skl2onnx.common import tree_ensemble
from skl2onnx.common.data_types import FloatTensorType
from sklearn.pipeline import Pipeline

from churn.artifacts import ArtifactError
from churn.config import Config
from churn.data import generate
from churn.features import FEATURES
from churn.train import split, train
from production.onnx_export import (
    OPSET,
    TOLERANCE,
    check_parity,
    load_onnx,
    onnx_probabilities,
    onnx_session,
    save_onnx,
    to_onnx,
)


@pytest.fixture(scope="module")
def rows() -> tuple[pd.DataFrame, pd.DataFrame]:
    config = Config(n_rows=3_000)
    return split(generate(config.n_rows, config.seed), config)


@pytest.fixture(scope="module")
def model(rows) -> Pipeline:
    return train(rows[0], Config(n_rows=3_000))


@pytest.fixture(scope="module")
def exported(model) -> bytes:
    return to_onnx(model)


def test_onnx_gives_scikit_learns_probabilities_on_held_out_rows(model, exported, rows):
    parity = check_parity(model, onnx_session(exported), rows[1])
    assert parity.rows == len(rows[1])
    assert parity.ok
    assert 0 < parity.max_abs_diff <= TOLERANCE  # float32 rounding, nothing more
    assert parity.labels_differ == 0


def test_features_computed_in_float32_send_rows_down_other_branches(model, rows):
    # Why to_onnx computes features in float64: values that sit exactly on a
    # split threshold round to the other side in float32.
    session = onnx_session(to_onnx(model, double_features=False))
    assert {i.type for i in session.get_inputs()} >= {"tensor(float)"}
    parity = check_parity(model, session, rows[1])
    assert not parity.ok
    assert parity.max_abs_diff > 100 * TOLERANCE


def test_the_export_is_the_same_bytes_every_time(model, exported):
    assert to_onnx(model) == exported
    graph = onnx.load_from_string(exported).graph
    assert graph.name == "churn"
    assert [i.name for i in graph.input] == FEATURES
    assert [o.name for o in graph.output] == ["label", "probabilities"]


def test_the_converter_still_needs_the_workaround(model, rows):
    # When this fails, a skl2onnx release has fixed the bug: delete
    # onnx_export._leaf_flags_as_integers and this test.
    classifier = model.named_steps["classifier"]
    width = model.named_steps["features"].transform(rows[1].head()).shape[1]
    with pytest.raises(ValueError, match="TreeEnsembleClassifier") as caught:
        convert_sklearn(
            classifier,
            initial_types=[("x", FloatTensorType([None, width]))],
            target_opset=OPSET,
        )
    assert "Expected an int, got a boolean" in str(caught.value.__cause__)


def test_the_workaround_is_undone_after_each_conversion(model):
    before = tree_ensemble.add_node
    to_onnx(model)
    assert tree_ensemble.add_node is before


def test_sessions_use_one_thread_unless_told_otherwise(exported):
    assert onnx_session(exported).get_session_options().intra_op_num_threads == 1
    options = onnx_session(exported, threads=2).get_session_options()
    assert options.intra_op_num_threads == 2


def test_a_missing_column_is_named(exported, rows):
    session = onnx_session(exported)
    with pytest.raises(ValueError, match=r"lacks the model's input columns \['region'"):
        onnx_probabilities(session, rows[1].drop(columns=["region", "senior"]))


def test_an_input_type_it_cannot_feed_is_named(rows):
    graph = helper.make_graph(
        [helper.make_node("Identity", ["tenure_months"], ["probabilities"])],
        "integers",
        [helper.make_tensor_value_info("tenure_months", TensorProto.INT64, [None, 1])],
        [helper.make_tensor_value_info("probabilities", TensorProto.INT64, [None, 1])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 9  # one every supported ONNX Runtime reads
    session = onnx_session(model.SerializeToString())
    with pytest.raises(ValueError, match=r"'tenure_months' has unsupported type"):
        onnx_probabilities(session, rows[1])


def test_a_saved_file_loads_only_with_its_hash(exported, rows, tmp_path):
    path = tmp_path / "models" / "churn.onnx"
    digest = save_onnx(exported, path)
    expected = onnx_probabilities(onnx_session(exported), rows[1])
    loaded = load_onnx(path, digest)
    np.testing.assert_array_equal(onnx_probabilities(loaded, rows[1]), expected)
    path.write_bytes(exported + b"\0")
    with pytest.raises(ArtifactError, match="refusing to load a file"):
        load_onnx(path, digest)
    with pytest.raises(FileNotFoundError):
        load_onnx(tmp_path / "absent.onnx", digest)
