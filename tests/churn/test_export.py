"""The ONNX export: the same probabilities as the pipeline, or no file at all."""

import onnx
import pandas as pd
import pytest
from skl2onnx import convert_sklearn
from skl2onnx.common import tree_ensemble
from skl2onnx.common.data_types import FloatTensorType
from sklearn.pipeline import Pipeline

from churn.config import Config
from churn.data import generate
from churn.export import OPSET, TOLERANCE, check_parity, export, to_onnx
from churn.features import FEATURES
from churn.runtime import OnnxScorer
from churn.train import split, train


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
    parity = check_parity(model, OnnxScorer(exported), rows[1])
    assert parity.rows == len(rows[1])
    assert parity.ok
    assert 0 < parity.max_abs_diff <= TOLERANCE  # float32 rounding, nothing more
    assert parity.labels_differ == 0


def test_features_computed_in_float32_send_rows_down_other_branches(model, rows):
    # Why to_onnx computes features in float64: values that sit exactly on a
    # split threshold round to the other side in float32.
    scorer = OnnxScorer(to_onnx(model, double_features=False))
    assert {i.type for i in scorer.session.get_inputs()} >= {"tensor(float)"}
    parity = check_parity(model, scorer, rows[1])
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
    # churn.export._leaf_flags_as_integers and this test.
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


def test_export_gives_the_file_and_its_proof_as_tags(model, exported, rows):
    result = export(model, rows[1])
    assert result.data == exported
    assert result.reason is None
    assert result.parity is not None
    assert result.parity.ok
    tags = result.tags()
    assert tags["onnx_parity_rows"] == str(len(rows[1]))
    assert float(tags["onnx_tolerance"]) == TOLERANCE
    assert float(tags["onnx_max_abs_diff"]) <= TOLERANCE


def test_a_conversion_that_fails_gives_no_file_and_says_why(model, rows, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("no converter for this model\nand a second line")

    monkeypatch.setattr("churn.export.convert_sklearn", broken)
    result = export(model, rows[1])
    assert (result.data, result.parity) == (None, None)
    reason = "conversion failed: RuntimeError: no converter for this model"
    assert result.reason == reason
    assert result.tags() == {"onnx_unavailable": reason}


def test_an_export_outside_the_tolerance_is_not_served(model, rows, monkeypatch):
    # The float32 export is the realistic wrong one: it must not become the file.
    monkeypatch.setattr(
        "churn.export.to_onnx", lambda m: to_onnx(m, double_features=False)
    )
    result = export(model, rows[1])
    assert result.data is None
    assert result.parity is not None
    assert result.reason.startswith("parity failed: max |dp| ")
    assert result.reason.endswith(f"> {TOLERANCE:g} on {len(rows[1])} rows")
    assert result.tags() == {"onnx_unavailable": result.reason}
