"""Exercise: prove that a file naming an untrusted type is refused, hash or no hash.

From docs/production/safe-artifacts.md. ``churn.artifacts.load_model`` makes two
checks: the file's SHA-256 must be the recorded one, and every type the file names
must be trusted. A test that only flips a byte proves the first. Write a check that
proves the second: save a model, rename a type in the archive's ``schema.json`` with
``rename_type``, record the new file's hash, and assert that loading still fails, with
an ``ArtifactError`` naming the type you put in.

Edit this file, then run ``make exercise NAME=production/safe_artifacts``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sklearn.pipeline import Pipeline

from churn.artifacts import load_model, save_model


def rename_type(archive: bytes, old: str, new: str) -> bytes:
    """A skops archive in which the type ``old`` is named ``new``.

    ``schema.json`` names each object's type by two keys, ``"__module__"`` and
    ``"__class__"``: ``sklearn._loss.link.LogitLink`` is module ``sklearn._loss.link``
    and class ``LogitLink``. Every other file of the archive stays as it was.

    Args:
        archive: The bytes of a file written by ``save_model`` (a zip).
        old: The full name of a type the archive holds.
        new: The full name to give it instead.

    Returns:
        The bytes of the edited archive.
    """
    # TODO: read schema.json from the zip, rename the type wherever an object has
    # both keys of `old`, and write a zip with the same files, schema.json edited.
    return archive


def check_untrusted_type_is_refused(
    model: Pipeline,
    folder: Path,
    load: Callable[[Path, str], Pipeline] = load_model,
) -> None:
    """Assert that ``load`` refuses a model file naming an untrusted type.

    Args:
        model: A fitted churn pipeline.
        folder: An empty folder to write files in.
        load: The loader under test: ``load_model``, or a broken one the exercise's
            checks pass to see whether this check notices.

    Raises:
        AssertionError: If ``load`` accepts the file, or refuses it without
            naming the untrusted type.
    """
    path = folder / "model.skops"
    recorded = save_model(model, path)
    # TODO: this only shows that the file you saved loads. Rename one of its types
    # with rename_type, write the result, record its new hash with
    # churn.artifacts.sha256, and assert that load(path, new_hash) raises an
    # ArtifactError whose message names the new type.
    load(path, recorded)
