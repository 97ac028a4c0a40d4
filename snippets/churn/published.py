"""The champion as the registry publishes it for serving: one small JSON file.

Serving needs five facts about the champion: its version, its files, their hashes,
how its ONNX export was proven, and the data it was trained on. Asking MLflow for
them means importing MLflow (seconds) and opening its database in every replica.
Instead, `churn.registry.Registry` writes them to ``serving/<model>.json`` in the
registry folder each time the champion changes (promote, rollback), and the service
reads that file with the standard library: it starts in about a second and never
holds a database connection. The database stays the source of truth; the file is what it
says about the champion, replaced in one atomic rename so a reader never sees half
of it.

Paths in the file are relative to the registry folder, so a registry copied into a
container or mounted at ``/models`` still finds its files.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path

SERVING_DIR = "serving"  # one file per registered model: serving/churn.json
NO_EXPORT = "no ONNX export was recorded"  # a version registered without one


class PublishedError(ValueError):
    """The registry has published no champion, or the file cannot be read."""


@dataclass(frozen=True)
class Published:
    """What the service needs to load and describe the champion.

    Attributes:
        name: The registered model's name.
        version: The champion's version.
        sha256: The hash of its skops file.
        data_hash: The hash of the data it was trained on.
        model_file: Its skops file, relative to the registry folder.
        onnx_file: Its ONNX export, relative to the registry folder, or None.
        onnx_sha256: The ONNX file's hash, or None.
        onnx_note: How the export was proven, or why there is none.
    """

    name: str
    version: int
    sha256: str
    data_hash: str
    model_file: str
    onnx_file: str | None
    onnx_sha256: str | None
    onnx_note: str


def onnx_note(tags: dict[str, str]) -> str:
    """Say how a version's ONNX export was proven, or why it has none.

    Args:
        tags: The model version's tags, as `churn.registry.Registry.register` sets
            them (`churn.export.Export.tags` among them).
    """
    if "onnx_unavailable" in tags:
        return f"no ONNX export: {tags['onnx_unavailable']}"
    if "onnx_file" not in tags:
        return NO_EXPORT
    return (
        f"ONNX export proven at registration on {tags['onnx_parity_rows']} rows:"
        f" max |dp| {tags['onnx_max_abs_diff']} <= {tags['onnx_tolerance']}"
    )


def serving_file(root: str | Path, name: str) -> Path:
    """Where the champion of model ``name`` is published under a registry folder."""
    return Path(root) / SERVING_DIR / f"{name}.json"


def publish(root: str | Path, champion: Published) -> Path:
    """Write the champion to ``root/serving/<name>.json`` in one atomic step.

    The file is written beside its final name and renamed over it, so a service
    reading at the same moment gets the old champion or the new one, whole.

    Returns:
        The path written.
    """
    target = serving_file(root, champion.name)
    target.parent.mkdir(exist_ok=True)
    text = json.dumps(asdict(champion), indent=2, sort_keys=True) + "\n"
    with tempfile.NamedTemporaryFile(
        "w", dir=target.parent, prefix=".serving-", delete=False, encoding="utf-8"
    ) as draft:
        draft.write(text)
        draft.flush()
        os.fsync(draft.fileno())  # the bytes are on disk before the name moves
    os.replace(draft.name, target)
    return target


def read_published(root: str | Path, name: str = "churn") -> Published:
    """Read the champion of model ``name`` that the registry at root published.

    Raises:
        PublishedError: If there is no such file (no champion yet, or not a
            registry), or it is not the file `publish` writes.
    """
    path = serving_file(root, name)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        relative = path.relative_to(root).as_posix()
        raise PublishedError(
            f"no champion published at {root}: no {relative}; promote a version"
        ) from None
    except (OSError, ValueError) as error:  # unreadable, or not JSON
        raise PublishedError(f"cannot read {path}: {error}") from None
    expected = {field.name for field in fields(Published)}
    if not isinstance(data, dict) or set(data) != expected:
        raise PublishedError(f"{path} is not a published champion")
    return Published(**data)


def resolve(root: str | Path, relative: str) -> Path:
    """A file the champion names, under the registry folder and nowhere else.

    Raises:
        PublishedError: If the name leads outside the registry folder.
    """
    base = Path(root).resolve()
    path = (base / relative).resolve()
    if not path.is_relative_to(base):
        raise PublishedError(f"{relative!r} is outside the registry")
    return path
