"""Shared, session-scoped data and models for the reference system's tests.

Training takes about a second on small data, so the tests share one small model
rather than each training their own.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest
import uvicorn
from sklearn.pipeline import Pipeline

from churn.artifacts import save_model
from churn.config import Config
from churn.data import generate
from churn.export import to_onnx
from churn.runtime import OnnxScorer
from churn.serve import ADMIN_TOKEN_ENV, LoadedModel
from churn.train import split, train
from tests.paths import SNIPPETS


@pytest.fixture(scope="session")
def config() -> Config:
    """A small but realistic run: 6,000 rows, defaults otherwise."""
    return Config(n_rows=6_000)


@pytest.fixture(scope="session")
def frame(config: Config) -> pd.DataFrame:
    """The training population (no drift)."""
    return generate(config.n_rows, config.seed)


@pytest.fixture(scope="session")
def train_frame(frame: pd.DataFrame, config: Config) -> pd.DataFrame:
    return split(frame, config)[0]


@pytest.fixture(scope="session")
def test_frame(frame: pd.DataFrame, config: Config) -> pd.DataFrame:
    return split(frame, config)[1]


@pytest.fixture(scope="session")
def model(train_frame: pd.DataFrame, config: Config) -> Pipeline:
    return train(train_frame, config)


@pytest.fixture(scope="session")
def served(model: Pipeline) -> LoadedModel:
    """The session model as `churn serve` serves a champion: through its ONNX export."""
    scorer = OnnxScorer(to_onnx(model))
    return LoadedModel(scorer, "churn", "1", "champion", "f" * 64, "d" * 64, "a test")


@pytest.fixture(scope="session")
def model_file(
    model: Pipeline, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str]:
    """The model saved with skops: its path and SHA-256."""
    path = tmp_path_factory.mktemp("model") / "model.skops"
    return path, save_model(model, path)


@pytest.fixture(scope="session")
def registry_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One MLflow database per test session: creating one runs migrations (~10 s).

    Tests that change aliases isolate themselves by registering under their own
    model name in this database.
    """
    return tmp_path_factory.mktemp("registry")


@pytest.fixture(scope="session")
def _empty_registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An MLflow database with its tables created, to copy instead of migrating."""
    from churn.registry import Registry

    root = tmp_path_factory.mktemp("empty-registry")
    Registry(root).champion()
    return root


@pytest.fixture
def fresh_registry(_empty_registry: Path, tmp_path: Path) -> Path:
    """A new, empty registry folder for one test, in milliseconds."""
    root = tmp_path / "registry"
    shutil.copytree(_empty_registry, root)
    return root


@contextmanager
def on_loopback(app: Any) -> Iterator[int]:
    """Serve an ASGI app with a real uvicorn on a free loopback port; stop it after."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                pytest.fail("uvicorn did not start")
            threading.Event().wait(0.05)
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=30)


START_TIMEOUT_S = 90  # bounds the wait for the service; not a performance check
ADMIN_TOKEN = "end-to-end-admin-token"  # what the deployment's secret would hold
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_answering(
    process: subprocess.Popen, client: httpx.Client, path: str, what: str
) -> None:
    """Poll ``path`` until it answers 200; fail if the process dies or time runs out."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        assert process.poll() is None, f"{what} exited during start-up"
        try:
            if client.get(path).status_code == 200:
                return
        except httpx.TransportError:
            pass  # not listening yet
        assert time.monotonic() < deadline, f"{what} never answered {path}"
        time.sleep(0.2)


def run_page_script(script: str, folder: Path) -> str:
    """Run a page's bash block from a clone-like folder; return what it printed.

    The folder gets ``.venv`` pointing at this environment, as `make env` would make
    it, unless it has one. The script runs in its own process group, killed
    afterwards, so a failing script cannot leave a server behind.
    """
    if not (folder / ".venv").exists():
        (folder / ".venv").symlink_to(Path(sys.prefix))
    process = subprocess.Popen(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=folder,
        env=os.environ | {"MLFLOW_DISABLE_TELEMETRY": "true"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=300)
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 0, f"{out}\n{err}"
    return out


@contextmanager
def service(registry: Path) -> Iterator[httpx.Client]:
    """Run `python -m churn serve` on a free loopback port until the block ends."""
    port = free_port()
    env = os.environ | {"PYTHONPATH": str(SNIPPETS), ADMIN_TOKEN_ENV: ADMIN_TOKEN}
    command = [sys.executable, "-m", "churn", "serve", "--registry", str(registry)]
    process = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port)], env=env
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            wait_until_answering(process, client, "/ready", "the service")
            yield client
    finally:
        process.terminate()
        process.wait(timeout=30)
