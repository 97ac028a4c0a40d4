"""A registry several processes share: a real ``mlflow server`` on loopback.

The training side writes runs, versions and files to the server; the service reads
its champion back over HTTP with the standard library; promoting a new version on
the server and reloading the service serves that version.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from urllib.error import HTTPError

import httpx
import pytest
from fastapi.testclient import TestClient

import churn.tracking_server as remote
from churn.artifacts import sha256 as file_sha256
from churn.registry import Registry
from churn.serve import create_app, server_loader
from churn.tracking_server import TrackingServerError, _proxy_path, fetch_champion
from tests.churn.conftest import free_port, run_page_script, wait_until_answering
from tests.environ import unmeasured
from tests.paths import DOCS
from tests.test_shell_blocks import block_run_by


@pytest.fixture(scope="module")
def tracking_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``mlflow server`` with a SQLite backend and an artifact folder, on loopback."""
    mlflow = Path(sys.executable).with_name("mlflow")  # this environment's command
    assert mlflow.is_file(), "no mlflow command: it comes with the server group"
    home = tmp_path_factory.mktemp("tracking-server")
    port = free_port()
    command = [
        str(mlflow), "server",
        "--host", "127.0.0.1", "--port", str(port),
        "--backend-store-uri", f"sqlite:///{home / 'mlflow.db'}",
        "--artifacts-destination", str(home / "artifacts"),
        "--workers", "1",
    ]  # fmt: skip
    # MLflow's own code, none of snippets/: coverage is not started in the server.
    env = unmeasured() | {"MLFLOW_DISABLE_TELEMETRY": "true"}
    log = (home / "server.log").open("w")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=url, timeout=2) as client:
            wait_until_answering(process, client, "/health", "mlflow server")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_a_model_without_a_champion_is_named(tracking_server: str, tmp_path: Path):
    Registry(tmp_path, model_name="nobody-promoted", tracking_uri=tracking_server)
    with pytest.raises(TrackingServerError, match="alias champion not found"):
        fetch_champion(tracking_server, "nobody-promoted", tmp_path)


def test_a_server_that_is_down_is_one_clear_error(tmp_path: Path) -> None:
    down = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(TrackingServerError, match="cannot reach"):
        fetch_champion(down, "churn", tmp_path)
    app = create_app(server_loader(down, tmp_path))
    with TestClient(app) as client:
        ready = client.get("/ready")
    assert ready.status_code == 503
    assert "cannot reach" in ready.text


def test_only_http_urls_and_proxied_artifacts_are_accepted(tmp_path: Path) -> None:
    with pytest.raises(TrackingServerError, match="not an http"):
        fetch_champion("file:///etc", "churn", tmp_path)
    assert _proxy_path("mlflow-artifacts:/1/abc/artifacts") == "1/abc/artifacts"
    with pytest.raises(TrackingServerError, match="--serve-artifacts"):
        _proxy_path("s3://bucket/1/abc/artifacts")


REGISTRY_PAGE = DOCS / "capstone" / "registry.md"


# What the page says its first and last `curl` print.
PRINTS = re.compile(r"first `curl` prints\s+`([^`]+)`, the last\s+`([^`]+)`")


def test_the_registry_page_commands_run_as_shown(tmp_path: Path) -> None:
    """capstone/registry.md's block: server, training job and service, from a clone.

    It trains, promotes and serves through the server, then trains and promotes a
    second version, which the running service serves after a reload.
    """
    page = REGISTRY_PAGE.read_text(encoding="utf-8")
    script = block_run_by(REGISTRY_PAGE, "tests/churn/test_tracking_server.py")
    # The page's ports may be taken on a shared machine. Only the ports: the page
    # also generates 5000 rows, which a bare replace would turn into a port's worth.
    for port in ("5000", "8000"):
        new = str(free_port())
        script = script.replace(f"127.0.0.1:{port}", f"127.0.0.1:{new}")
        script = script.replace(f"--port {port}", f"--port {new}")
    assert "--rows 5000" in script
    assert ":5000" not in script
    assert ":8000" not in script
    out = run_page_script(script, tmp_path)
    answers = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    said = PRINTS.search(page)
    assert said, "the page no longer says what its curl calls print"
    assert answers == [json.loads(said[1]), json.loads(said[2])]
    assert answers[-1] == {"status": "reloaded", "model_version": "2"}
    # The page: the second train is judged against the champion, version 1.
    assert out.count("champion on the same rows: AUC") == 1, out
    # The service's folder holds downloads only; the runs live on the server.
    assert not (tmp_path / "pod-cache" / "mlflow.db").exists()
    assert (tmp_path / "mlflow.db").is_file()
    cached = {p.name for p in (tmp_path / "pod-cache").rglob("*") if p.is_file()}
    assert "model.skops" in cached  # downloaded through the server's proxy


def test_a_cached_file_is_kept_and_a_changed_one_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "churn" / "1" / "model.skops"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"registered bytes")
    good = file_sha256(target)

    def unreachable(url: str) -> bytes:
        raise AssertionError("a file in the cache with the right hash is not fetched")

    monkeypatch.setattr(remote, "_get", unreachable)
    remote._download("http://x/model.skops", target, good)
    monkeypatch.setattr(remote, "_get", lambda url: b"other bytes")
    with pytest.raises(TrackingServerError, match="SHA-256 differs"):
        remote._download("http://x/model.skops", tmp_path / "new", good)
    assert not (tmp_path / "new").exists()  # nothing half-written is left
    assert sorted(p.name for p in target.parent.iterdir()) == ["model.skops"]


def test_a_version_registered_some_other_way_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def answers(uri: str, endpoint: str, **query: str) -> dict:
        return {"model_version": {"version": "3", "run_id": "r", "tags": []}}

    monkeypatch.setattr(remote, "_get_json", answers)
    with pytest.raises(TrackingServerError, match=r"version 3 has no tag\(s\)"):
        fetch_champion("http://127.0.0.1:1", "churn", tmp_path)


def test_an_error_page_that_is_not_json_is_quoted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(url: str, timeout: float) -> None:
        raise HTTPError(url, 502, "Bad Gateway", Message(), BytesIO(b"<h1>proxy</h1>"))

    monkeypatch.setattr(remote, "urlopen", refuse)
    with pytest.raises(TrackingServerError, match="502 from http://x: <h1>proxy"):
        remote._get("http://x")


class LoginRequired(BaseHTTPRequestHandler):
    """A server that answers only a request carrying the expected Authorization."""

    expected = ""

    def do_GET(self) -> None:
        """Answer 401 without the expected credentials, else a small JSON body."""
        if self.headers.get("Authorization") != self.expected:
            self.send_response(401)
            self.end_headers()
            self.wfile.write(b'{"message": "credentials required"}')
            return
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    def log_message(self, *args: object) -> None:
        """Keep request lines out of the test output."""


@pytest.fixture
def login_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), LoginRequired)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("variables", "header"),
    [
        (
            {"MLFLOW_TRACKING_USERNAME": "svc", "MLFLOW_TRACKING_PASSWORD": "pw"},
            "Basic c3ZjOnB3",
        ),
        ({"MLFLOW_TRACKING_TOKEN": "t0k3n"}, "Bearer t0k3n"),
    ],
    ids=["basic", "token"],
)
def test_the_service_logs_in_as_mlflows_client_does(
    login_server: str, monkeypatch: pytest.MonkeyPatch, variables, header
) -> None:
    LoginRequired.expected = header
    for name in (remote.USERNAME_ENV, remote.PASSWORD_ENV, remote.TOKEN_ENV):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(TrackingServerError, match=r"401 from .*credentials required"):
        remote._get(login_server)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert json.loads(remote._get(login_server)) == {"ok": True}
