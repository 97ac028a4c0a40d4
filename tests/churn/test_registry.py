"""The registry on a real SQLite file: runs, versions, aliases, rollback, hash checks.

Creating the database runs MLflow's migrations (seconds), so the module shares one
root folder; each test that changes aliases uses its own model name in it.
"""

from __future__ import annotations

import dataclasses
import platform
import shutil
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import pytest
import sklearn

from churn.artifacts import ArtifactError, sha256
from churn.data import data_hash
from churn.evaluate import evaluate
from churn.features import FEATURES
from churn.registry import NO_EXPORT, Registry, RegistryError


@pytest.fixture(scope="module")
def root(registry_root):
    return registry_root


@pytest.fixture(scope="module")
def registry(root):
    return Registry(root)


@pytest.fixture(scope="module")
def evaluation(model, test_frame, config):
    return evaluate(model, test_frame, config.gate.slice_column)


def log(registry, model_file, config, evaluation, train_frame, **tags):
    path, digest = model_file
    params, metrics = config.to_params(), evaluation.to_metrics()
    return registry.log_run(path, digest, params, metrics, data_hash(train_frame), tags)


@pytest.fixture(scope="module")
def run_id(registry, model_file, config, evaluation, train_frame):
    return log(registry, model_file, config, evaluation, train_frame, team="churn")


@pytest.fixture
def registered(root, model_file, config, evaluation, train_frame, request):
    """A registry of its own (same database) with two versions of one run."""
    own = Registry(root, request.node.name.replace("_", "-"))
    run = log(own, model_file, config, evaluation, train_frame)
    return own, own.register(run), own.register(run)


def stored_file(registry, run_id):
    """Where the artifact store keeps a run's model file."""
    uri = registry.client.get_run(run_id).info.artifact_uri
    return Path(url2pathname(urlparse(uri).path)) / "model" / "model.skops"


def test_run_reads_back_params_metrics_and_tags(
    registry, run_id, config, evaluation, train_frame, model_file
):
    run = registry.client.get_run(run_id)
    assert run.data.params == {k: str(v) for k, v in config.to_params().items()}
    assert run.data.metrics == evaluation.to_metrics()
    tags = run.data.tags
    assert tags["data_hash"] == data_hash(train_frame)
    assert tags["sha256"] == model_file[1]
    assert tags["team"] == "churn"
    assert tags["env.python"] == platform.python_version()
    assert tags["env.scikit-learn"] == sklearn.__version__
    assert {"env.pandas", "env.skops"} <= set(tags)
    assert run.info.status == "FINISHED"


def test_artifacts_stay_under_the_root(registry, run_id, root):
    assert stored_file(registry, run_id).is_file()
    assert stored_file(registry, run_id).is_relative_to(root)


def test_registered_version_carries_hashes_and_a_local_copy(
    registry, run_id, model_file, train_frame, evaluation, root
):
    first, second = registry.register(run_id), registry.register(run_id)
    assert second == first + 1
    ref = registry.get(second)
    assert (ref.name, ref.version, ref.run_id, ref.alias) == (
        "churn",
        second,
        run_id,
        None,
    )
    assert ref.sha256 == model_file[1] == sha256(ref.path)
    assert ref.data_hash == data_hash(train_frame)
    assert ref.metrics["auc"] == evaluation.auc
    assert ref.path.is_relative_to(root)
    tags = registry.client.get_model_version("churn", str(second)).tags
    assert tags["sha256"] == model_file[1]


def test_promote_and_rollback(registered, root):
    registry, v1, v2 = registered
    assert registry.champion() is None
    with pytest.raises(RegistryError, match="no previous champion"):
        registry.rollback()
    registry.set_challenger(v2)
    assert (registry.get(v2).alias, registry.challenger().version) == ("challenger", v2)
    registry.promote(v1)
    assert (registry.champion().version, registry.champion().alias) == (v1, "champion")
    assert registry.challenger().version == v2  # promoting v1 leaves it alone
    registry.promote(v2)
    registry.promote(v2)  # again: must not record v2 as its own predecessor
    assert registry.champion().version == v2
    assert registry.challenger() is None
    assert registry.get(v1).alias is None
    assert registry.rollback().version == v1
    assert registry.champion().version == v1
    assert Registry(root, registry.model_name).champion().version == v1  # reopened
    with pytest.raises(RegistryError, match="no previous champion"):
        registry.rollback()


def test_rollback_goes_back_one_champion_at_a_time(registered):
    registry, v1, v2 = registered
    registry.promote(v1)
    registry.promote(v2)
    registry.promote(v1)
    assert [registry.rollback().version for _ in range(2)] == [v2, v1]


def test_champion_loads_and_predicts_like_the_original(registered, model, test_frame):
    registry, _, v2 = registered
    registry.promote(v2)
    loaded = registry.load(registry.champion())
    rows = test_frame[FEATURES]
    assert (loaded.predict_proba(rows) == model.predict_proba(rows)).all()


def test_changed_local_copy_is_refused(registered, tmp_path):
    registry, v1, _ = registered
    ref = registry.get(v1)
    changed = tmp_path / "model.skops"
    changed.write_bytes(ref.path.read_bytes() + b"\0")
    with pytest.raises(ArtifactError, match="refusing to load"):
        registry.load(dataclasses.replace(ref, path=changed))


def test_changed_file_in_the_store_is_refused(registered):
    registry, v1, _ = registered
    stored = stored_file(registry, registry.get(v1).run_id)
    stored.write_bytes(stored.read_bytes() + b"\0")
    with pytest.raises(ArtifactError, match="refusing to load"):
        registry.load(registry.get(v1))


def test_log_run_refuses_a_file_with_another_hash(registry, model_file):
    with pytest.raises(ArtifactError, match="is this the file save_model wrote"):
        registry.log_run(model_file[0], "0" * 64, {}, {}, "data")


def test_log_run_needs_the_model_file(registry, tmp_path):
    with pytest.raises(FileNotFoundError, match=r"absent\.skops"):
        registry.log_run(tmp_path / "absent.skops", "0" * 64, {}, {}, "data")


def test_unknown_version_is_named(registry):
    for call in (registry.get, registry.set_challenger, registry.promote):
        with pytest.raises(RegistryError, match="model 'churn' has no version 99"):
            call(99)


def test_register_refuses_unknown_and_foreign_runs(registry):
    with pytest.raises(RegistryError, match="no run 'nope'"):
        registry.register("nope")
    experiment = registry.client.get_experiment_by_name("churn").experiment_id
    foreign = registry.client.create_run(experiment).info.run_id
    with pytest.raises(RegistryError, match=r"no tag\(s\) \['sha256'"):
        registry.register(foreign)


def test_a_moved_registry_still_serves_its_champion(
    registered, tmp_path, model, test_frame
):
    # MLflow stores absolute artifact paths; a registry copied into a container or
    # mounted read-only elsewhere must still find its files, and write nothing.
    registry, v1, _ = registered
    registry.promote(v1)
    moved = tmp_path / "models"
    shutil.copytree(registry.root, moved)
    moved.chmod(0o555)  # read-only, as the Kubernetes manifest mounts it
    try:
        elsewhere = Registry(moved, registry.model_name)
        ref = elsewhere.champion()
        assert ref.path.is_relative_to(moved)
        rows = test_frame[FEATURES]
        loaded = elsewhere.load(ref)
        assert (loaded.predict_proba(rows) == model.predict_proba(rows)).all()
    finally:
        moved.chmod(0o755)


def test_artifacts_not_under_the_root_are_downloaded(registered, tmp_path):
    # A copy without the model files: they are fetched from where MLflow recorded
    # them (here the original folder; for a server, the server).
    registry, v1, _ = registered
    copy = tmp_path / "copy"
    shutil.copytree(registry.root, copy, ignore=shutil.ignore_patterns("*.skops"))
    ref = Registry(copy, registry.model_name).get(v1)
    assert ref.path.is_relative_to(copy / "downloads")
    assert sha256(ref.path) == ref.sha256


def test_promote_and_rollback_publish_the_champion_for_serving(registered):
    from churn.published import read_published, resolve

    registry, v1, v2 = registered
    versions = []
    for change in (lambda: registry.promote(v1), lambda: registry.promote(v2)):
        change()
        versions.append(read_published(registry.root, registry.model_name).version)
    registry.rollback()
    champion = read_published(registry.root, registry.model_name)
    assert [*versions, champion.version] == [v1, v2, v1]
    assert not Path(champion.model_file).is_absolute()  # found again after a move
    assert resolve(registry.root, champion.model_file) == registry.champion().path
    assert (champion.onnx_file, champion.onnx_note) == (None, NO_EXPORT)
