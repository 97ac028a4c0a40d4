import pytest
import skops.io as sio

from churn.artifacts import ArtifactError, load_model, save_model, sha256
from churn.features import FEATURES


def test_saved_model_loads_and_predicts_the_same(model, model_file, test_frame):
    path, digest = model_file
    assert sha256(path) == digest
    loaded = load_model(path, digest)
    rows = test_frame[FEATURES]
    assert (loaded.predict_proba(rows) == model.predict_proba(rows)).all()


def test_saving_the_same_model_twice_gives_identical_bytes(model, tmp_path):
    assert save_model(model, tmp_path / "a.skops") == save_model(model, tmp_path / "b")


def test_tampered_file_is_refused(model_file, tmp_path):
    path, digest = model_file
    tampered = tmp_path / "tampered.skops"
    tampered.write_bytes(path.read_bytes() + b"\0")
    with pytest.raises(ArtifactError, match="refusing to load a file"):
        load_model(tampered, digest)


def test_untrusted_type_is_refused_even_with_the_right_hash(tmp_path):
    # A function object is not in the trusted list: skops would have to import it.
    path = tmp_path / "odd.skops"
    path.write_bytes(sio.dumps({"callback": sorted}))
    with pytest.raises(ArtifactError, match="untrusted types"):
        load_model(path, sha256(path))


def test_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "absent.skops", "0" * 64)
