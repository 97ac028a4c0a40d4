"""One answer to the exercise of docs/production/safe-artifacts.md.

``rename_type`` edits ``schema.json`` as JSON and copies every other file of the zip
as it was; the check renames the model's loss link to a type nobody trusts, records
the edited file's hash, so the hash check passes, and asserts that the type check
refuses the file by name. Read it after your own attempt.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sklearn.pipeline import Pipeline

from churn.artifacts import ArtifactError, load_model, save_model, sha256

TRUSTED = "sklearn._loss.link.LogitLink"  # in TRUSTED_TYPES, held by every churn model
UNTRUSTED = "sklearn._loss.link.Payload"  # nobody trusts it, and it does not exist


def _renamed(node: Any, old: tuple[str, str], new: tuple[str, str]) -> Any:
    """``node`` with every ``(module, class)`` pair ``old`` replaced by ``new``."""
    if isinstance(node, list):
        return [_renamed(item, old, new) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _renamed(value, old, new) for key, value in node.items()}
    if (node.get("__module__"), node.get("__class__")) == old:
        node["__module__"], node["__class__"] = new
    return node


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
    source = zipfile.ZipFile(io.BytesIO(archive))
    schema = json.loads(source.read("schema.json"))
    edited = _renamed(schema, tuple(old.rsplit(".", 1)), tuple(new.rsplit(".", 1)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "schema.json":
                data = json.dumps(edited, indent=2).encode()
            target.writestr(info, data)
    return out.getvalue()


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
        AssertionError: If ``load`` refuses the file without naming the type.
        pytest.fail.Exception: If ``load`` accepts the file (``pytest.raises``
            says so); any other error ``load`` raises comes out as it is.
    """
    path = folder / "model.skops"
    save_model(model, path)
    path.write_bytes(rename_type(path.read_bytes(), TRUSTED, UNTRUSTED))
    recorded = sha256(path)  # as an attacker who can also change the record would
    with pytest.raises(ArtifactError, match=UNTRUSTED.replace(".", r"\.")):
        load(path, recorded)
