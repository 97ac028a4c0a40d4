"""Save and load models safely: skops instead of pickle, trusted types, hash checks.

Loading a pickle runs whatever code the file names, so a model file from the wrong
place is a remote code execution. skops loads only the types you list, and the hash
check refuses a file that is not byte for byte the one the registry recorded.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # skops and scikit-learn load only when a model file does
    from sklearn.pipeline import Pipeline

# The only types, beyond skops' defaults, that a churn model may contain.
TRUSTED_TYPES = [
    "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn._loss.link.LogitLink",
    "sklearn._loss.loss.HalfBinomialLoss",
]


class ArtifactError(ValueError):
    """A model file is not the one expected, or contains types nobody trusted."""


def sha256(path: str | Path) -> str:
    """Return the SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# skops names objects by their memory address, which changes from run to run.
_ADDRESS = re.compile(r'(?<="__id__": )\d+|(?<=")\d+(?=\.npy")')
_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


def _canonical(archive: bytes) -> bytes:
    """Rewrite a skops archive so the same model always gives the same bytes.

    Addresses are renumbered in order of first use and zip timestamps fixed; the
    loaded model is unchanged. Without this, two identical trainings would produce
    files with different hashes and reproducibility could not be checked.
    """
    source = zipfile.ZipFile(io.BytesIO(archive))
    schema = source.read("schema.json").decode()
    numbers: dict[str, str] = {}
    for match in _ADDRESS.finditer(schema):
        numbers.setdefault(match.group(), str(len(numbers)))
    members = {
        "schema.json": _ADDRESS.sub(lambda m: numbers[m.group()], schema).encode()
    }
    for name in source.namelist():
        if name != "schema.json":
            stem, suffix = name.split(".", 1)
            members[f"{numbers[stem]}.{suffix}"] = source.read(name)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, members[name])
    return out.getvalue()


# --8<-- [start:save-load]
def read_verified(path: str | Path, expected_sha256: str) -> bytes:
    """Return a file's bytes only if their SHA-256 is the recorded one.

    The bytes checked are the bytes returned, so the file cannot change between
    the check and the load.

    Raises:
        ArtifactError: If the file's hash differs.
        FileNotFoundError: If there is no file at path.
    """
    data = Path(path).read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected_sha256:
        raise ArtifactError(
            f"{path}: SHA-256 is {actual[:12]}..., expected {expected_sha256[:12]}...;"
            " refusing to load a file that is not the recorded artifact"
        )
    return data


def save_model(model: Pipeline, path: str | Path) -> str:
    """Write a model with skops in canonical form and return the file's SHA-256."""
    import skops.io as sio

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_canonical(sio.dumps(model)))
    return sha256(path)


def load_model(path: str | Path, expected_sha256: str) -> Pipeline:
    """Load a model only if its hash matches and it contains only trusted types.

    Args:
        path: A file written by `save_model`.
        expected_sha256: The hash recorded when the model was saved.

    Returns:
        The model.

    Raises:
        ArtifactError: If the file's hash differs or it holds an untrusted type.
        FileNotFoundError: If there is no file at path.
    """
    import skops.io as sio

    data = read_verified(path, expected_sha256)
    untrusted = sorted(set(sio.get_untrusted_types(data=data)) - set(TRUSTED_TYPES))
    if untrusted:
        raise ArtifactError(f"{path}: refusing untrusted types {untrusted}")
    return sio.loads(data, trusted=TRUSTED_TYPES)


# --8<-- [end:save-load]
