"""The champion, read from an MLflow tracking server over HTTP.

Once a training job in CI and several service replicas share one registry, the
registry is an MLflow tracking server (``mlflow server``) in front of a database and
an artifact store. The service needs no MLflow for it: it asks the server's REST API
which version holds the ``champion`` alias and where that run keeps its files, then
downloads the files through the server's artifact proxy into a local cache and
checks their hashes. The pods hold the server's URL and, if the server asks for one,
their own login (from a Secret, in MLflow's own variables); never the database
password or the object-store credentials.

Only the standard library is used, so the service image stays as small as the
folder-based one (`churn.published`).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import tempfile
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlencode, urlparse
from urllib.request import Request, urlopen

from churn.artifacts import sha256 as file_sha256
from churn.published import Published, onnx_note

API = "/api/2.0/mlflow"
ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts"  # the server's artifact proxy
CHAMPION = "champion"
REQUIRED_TAGS = ("sha256", "data_hash", "model_file")  # what serving checks
TIMEOUT_S = 10.0  # a server that does not answer in this long is down, not slow
# The variables MLflow's own client reads its credentials from, so one Secret
# serves the training job (MLflow) and the service (this module) alike.
USERNAME_ENV = "MLFLOW_TRACKING_USERNAME"
PASSWORD_ENV = "MLFLOW_TRACKING_PASSWORD"
TOKEN_ENV = "MLFLOW_TRACKING_TOKEN"


class TrackingServerError(RuntimeError):
    """The server cannot be reached, has no champion, or its files are wrong."""


def _credentials() -> dict[str, str]:
    """The Authorization header MLflow's client would send: basic auth, else a token."""
    user, password = os.environ.get(USERNAME_ENV), os.environ.get(PASSWORD_ENV)
    if user and password:
        pair = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        return {"Authorization": f"Basic {pair}"}
    token = os.environ.get(TOKEN_ENV)
    return {"Authorization": f"Bearer {token}"} if token else {}


def _get(url: str) -> bytes:
    request = Request(url, headers=_credentials())
    try:
        with urlopen(request, timeout=TIMEOUT_S) as response:  # _check_uri: http(s)
            return response.read()
    except HTTPError as error:
        detail = error.read().decode("utf-8", "replace")
        with contextlib.suppress(ValueError):  # MLflow's errors are JSON
            detail = json.loads(detail).get("message", detail)
        raise TrackingServerError(f"{error.code} from {url}: {detail}") from None
    except (URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise TrackingServerError(f"cannot reach {url}: {reason}") from None


def _get_json(uri: str, endpoint: str, **query: str) -> dict:
    return json.loads(_get(f"{uri}{API}/{endpoint}?{urlencode(query)}"))


def _check_uri(uri: str) -> str:
    if urlparse(uri).scheme not in {"http", "https"}:
        raise TrackingServerError(f"not an http(s) URL: {uri!r}")
    return uri.rstrip("/")


def _proxy_path(artifact_uri: str) -> str:
    """The path under the artifact proxy of a run stored as ``mlflow-artifacts:``."""
    parsed = urlparse(artifact_uri)
    if parsed.scheme != "mlflow-artifacts":
        raise TrackingServerError(
            f"the server keeps artifacts at {artifact_uri}, not behind its proxy; "
            "start it with --serve-artifacts (the default) so the service downloads "
            "through it"
        )
    return parsed.path.lstrip("/")


def _download(url: str, target: Path, sha256: str) -> None:
    """Fetch a file unless the cache holds it already, refusing other bytes."""
    if target.is_file() and file_sha256(target) == sha256:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    data = _get(url)
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as draft:
        draft.write(data)
    if file_sha256(Path(draft.name)) != sha256:
        os.unlink(draft.name)
        raise TrackingServerError(
            f"{url} does not hold the registered file: its SHA-256 differs"
        )
    os.replace(draft.name, target)  # a reader sees the old file or the new, whole


def fetch_champion(uri: str, name: str, cache: str | Path) -> Published:
    """Ask the server for the champion and bring its files into the cache.

    Args:
        uri: The tracking server, e.g. ``http://mlflow.models.svc:5000``.
        name: The registered model.
        cache: A local folder for downloaded files; files already there with the
            right hash are not downloaded again.

    Returns:
        The champion, its file paths relative to ``cache``.

    Raises:
        TrackingServerError: If the server is unreachable, the model has no
            champion, or a file is not the one registered.
    """
    uri = _check_uri(uri)
    found = _get_json(uri, "registered-models/alias", name=name, alias=CHAMPION)
    version = found["model_version"]
    tags = {tag["key"]: tag["value"] for tag in version.get("tags", [])}
    missing = [tag for tag in REQUIRED_TAGS if tag not in tags]
    if missing:
        raise TrackingServerError(
            f"{name} version {version['version']} has no tag(s) {missing}: "
            "register versions with churn.registry.Registry"
        )
    run = _get_json(uri, "runs/get", run_id=version["run_id"])["run"]
    remote = _proxy_path(run["info"]["artifact_uri"])
    folder = Path(name) / str(version["version"])

    def bring(relative: str, sha256: str) -> str:
        local = folder / Path(relative).name
        url = f"{uri}{ARTIFACTS}/{quote(remote)}/{quote(relative)}"
        _download(url, Path(cache) / local, sha256)
        return local.as_posix()

    onnx_file = tags.get("onnx_file")
    onnx_sha256 = tags.get("onnx_sha256")
    return Published(
        name=name,
        version=int(version["version"]),
        sha256=tags["sha256"],
        data_hash=tags["data_hash"],
        model_file=bring(tags["model_file"], tags["sha256"]),
        onnx_file=None
        if onnx_file is None or onnx_sha256 is None
        else bring(onnx_file, onnx_sha256),
        onnx_sha256=onnx_sha256,
        onnx_note=onnx_note(tags),
    )
