import pytest

from churn.config import Config, GateConfig
from churn.data import DataContractError, data_hash
from churn.pipeline import run
from churn.registry import Registry
from churn.train import split


@pytest.fixture
def registry(registry_root, request):
    # Each test gets its own registered model, so aliases do not leak between tests.
    return Registry(registry_root, model_name=f"pipeline-{request.node.name}")


def test_first_candidate_that_passes_becomes_the_challenger(frame, config, registry):
    outcome = run(frame, config, registry)
    assert outcome.decision.promote
    assert outcome.champion is None
    assert outcome.version == 1
    challenger = registry.challenger()
    assert challenger.version == 1
    assert challenger.data_hash == data_hash(frame)
    assert registry.champion() is None  # promotion is a separate, deliberate step
    run_info = registry.client.get_run(outcome.run_id)
    assert run_info.data.tags["gate"] == "passed"
    assert run_info.data.metrics["auc"] == outcome.candidate.auc


def test_second_run_is_judged_against_the_champion_on_the_same_rows(
    frame, config, registry
):
    first = run(frame, config, registry)
    registry.promote(first.version)
    second = run(frame, config, registry)
    # Same data and config: the candidate equals the champion, so it scores the same.
    assert second.champion == first.candidate
    assert second.candidate == first.candidate
    assert second.version == 2


def test_a_refused_candidate_is_tracked_but_not_registered(frame, config, registry):
    strict = Config(n_rows=config.n_rows, gate=GateConfig(min_auc=0.99))
    outcome = run(frame, strict, registry)
    assert not outcome.decision.promote
    assert outcome.version is None
    assert registry.challenger() is None
    tags = registry.client.get_run(outcome.run_id).data.tags
    assert tags["gate"] == "refused"
    assert "below the floor 0.99" in tags["gate.reason.0"]


def test_bad_data_stops_the_pipeline_before_training(frame, config, registry):
    with pytest.raises(DataContractError, match="support_calls"):
        run(frame.assign(support_calls=-1), config, registry)


def test_a_registered_version_carries_its_onnx_file_and_proof(frame, config, registry):
    from churn.artifacts import sha256
    from churn.export import TOLERANCE
    from churn.runtime import load_onnx

    outcome = run(frame, config, registry)
    ref = registry.challenger()
    assert ref.onnx_path is not None
    assert ref.onnx_path.name == "model.onnx"
    assert ref.onnx_sha256 == sha256(ref.onnx_path)
    tags = registry.client.get_model_version(registry.model_name, "1").tags
    # The proof, measured on the held-out rows the candidate was evaluated on.
    assert int(tags["onnx_parity_rows"]) == len(split(frame, config)[1])
    assert float(tags["onnx_max_abs_diff"]) <= float(tags["onnx_tolerance"])
    assert float(tags["onnx_tolerance"]) == TOLERANCE
    assert ref.onnx_note.startswith("ONNX export proven at registration on ")
    assert load_onnx(ref.onnx_path, ref.onnx_sha256).runtime == "onnxruntime"
    assert outcome.version == ref.version


def test_a_model_that_cannot_be_exported_is_registered_without_a_file(
    frame, config, registry, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("no converter")

    monkeypatch.setattr("churn.export.convert_sklearn", broken)
    run(frame, config, registry)
    ref = registry.challenger()
    assert (ref.onnx_path, ref.onnx_sha256) == (None, None)
    assert (
        ref.onnx_note == "no ONNX export: conversion failed: RuntimeError: no converter"
    )
