"""Checks for the exercise of docs/production/safe-artifacts.md: untrusted types."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
import skops.io as sio
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from churn.artifacts import TRUSTED_TYPES, ArtifactError, read_verified, save_model
from churn.config import Config, ModelConfig
from churn.data import generate
from churn.train import train

LINK = "sklearn._loss.link.LogitLink"
OTHER = "sklearn._loss.link.Renamed"


@pytest.fixture(scope="module")
def model() -> Pipeline:
    """A small churn model: a few trees on a few hundred rows, on one thread."""
    with threadpool_limits(1):
        return train(generate(300, seed=1), Config(model=ModelConfig(max_iter=5)))


@pytest.fixture(scope="module")
def archive(model: Pipeline, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bytes of that model's file, as ``save_model`` writes it."""
    path = tmp_path_factory.mktemp("model") / "model.skops"
    save_model(model, path)
    return path.read_bytes()


def trusts_every_type(path: Path, expected_sha256: str) -> Pipeline:
    """A broken ``load_model``: it checks the hash, then trusts what the file names."""
    data = read_verified(path, expected_sha256)
    return sio.loads(data, trusted=sio.get_untrusted_types(data=data))


def refuses_vaguely(path: Path, expected_sha256: str) -> Pipeline:
    """A broken ``load_model``: it refuses untrusted types without naming them."""
    data = read_verified(path, expected_sha256)
    if set(sio.get_untrusted_types(data=data)) - set(TRUSTED_TYPES):
        raise ArtifactError(f"{path}: refusing to load untrusted types")
    return sio.loads(data, trusted=TRUSTED_TYPES)


def outcome(
    exercise: ModuleType,
    model: Pipeline,
    folder: Path,
    load: Callable[[Path, str], Pipeline],
) -> str:
    """What the reader's check did against ``load``: "passed", or why it failed.

    Args:
        exercise: The file under check.
        model: The model to hand it.
        folder: An empty folder for its files.
        load: The loader it checks.

    Returns:
        "passed" if the check raised nothing, else the error it raised.
    """
    try:
        exercise.check_untrusted_type_is_refused(model, folder, load)
    except (Exception, pytest.fail.Exception) as error:
        return f"{type(error).__name__}: {error}".splitlines()[0]
    return "passed"


def test_rename_type_renames(exercise: ModuleType, archive: bytes) -> None:
    """rename_type makes the file name the new type in place of the old one."""
    edited = exercise.rename_type(archive, LINK, OTHER)
    named = set(sio.get_untrusted_types(data=edited))
    assert OTHER in named, (
        f"after rename_type(archive, {LINK!r}, {OTHER!r}) the file names no type "
        f"{OTHER}: rename the __module__ and __class__ of the objects of the old type"
    )
    schema = zipfile.ZipFile(io.BytesIO(edited)).read("schema.json").decode()
    assert '"LogitLink"' not in schema, (
        "schema.json still names LogitLink: rename every object of the old type"
    )


def test_rename_type_keeps_the_rest(exercise: ModuleType, archive: bytes) -> None:
    """rename_type leaves every other file of the archive as it was."""
    before = zipfile.ZipFile(io.BytesIO(archive))
    after = zipfile.ZipFile(io.BytesIO(exercise.rename_type(archive, LINK, OTHER)))
    assert sorted(after.namelist()) == sorted(before.namelist()), (
        "the edited archive holds other files than the original: keep them all"
    )
    changed = [
        name
        for name in before.namelist()
        if name != "schema.json" and after.read(name) != before.read(name)
    ]
    assert changed == [], f"rename_type changed {changed}: edit schema.json only"
    json.loads(after.read("schema.json"))  # still JSON, or the check says why


def test_the_check_passes_on_load_model(
    exercise: ModuleType, model: Pipeline, tmp_path: Path
) -> None:
    """Your check passes against the real load_model."""
    from churn.artifacts import load_model

    found = outcome(exercise, model, tmp_path, load_model)
    assert found == "passed", (
        f"check_untrusted_type_is_refused failed against churn.artifacts.load_model, "
        f"which refuses untrusted types: {found}"
    )


def test_the_check_catches_a_loader_that_trusts_all(
    exercise: ModuleType, model: Pipeline, tmp_path: Path
) -> None:
    """Your check fails against a load_model that trusts every type in the file."""
    found = outcome(exercise, model, tmp_path, trusts_every_type)
    assert found != "passed", (
        "check_untrusted_type_is_refused passed against a loader that checks the "
        "hash and then trusts every type the file names: give it a file whose hash "
        "you recorded after renaming a type, so only the type check can refuse it"
    )


def test_the_check_wants_the_type_named(
    exercise: ModuleType, model: Pipeline, tmp_path: Path
) -> None:
    """Your check fails against a load_model whose refusal does not name the type."""
    found = outcome(exercise, model, tmp_path, refuses_vaguely)
    assert found != "passed", (
        "check_untrusted_type_is_refused passed against a loader that refuses with "
        "'refusing to load untrusted types' and no name: assert that the message "
        "names the type you put in"
    )
