"""MLflow's own UI over the reference system's runs, as capstone/registry.md shows it.

The page's command starts the UI on the story's database; two trainings log their
runs to it; Chromium opens the comparison of the two runs the page describes and
reads what the page says it shows. ``UPDATE_SCREENSHOTS=1`` (``make
update-examples``) saves the screenshot the page displays.
"""

from __future__ import annotations

import json
import os
import signal
import struct
import subprocess
import sys
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.churn.conftest import free_port, wait_until_answering
from tests.environ import unmeasured
from tests.paths import DOCS, SNIPPETS
from tests.test_shell_blocks import block_run_by

PAGE = DOCS / "capstone" / "registry.md"
SHOT = DOCS / "capstone" / "generated" / "mlflow-compare.png"
VIEWPORT = {"width": 1280, "height": 1000}
# What the page says the comparison shows, in the UI's own words.
SHOWN = ["Comparing 2 Runs", "model.learning_rate", "data_hash", "auc"]


@pytest.fixture(scope="module")
def ui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The page's ``mlflow ui`` command on a free port, with two runs logged to it."""
    folder = tmp_path_factory.mktemp("mlflow-ui")
    (folder / ".venv").symlink_to(Path(sys.prefix))
    port = free_port()
    command = block_run_by(PAGE, "tests/browser/test_mlflow_ui.py")
    assert "--port 5000" in command
    env = unmeasured() | {"MLFLOW_DISABLE_TELEMETRY": "true"}
    server = subprocess.Popen(
        ["bash", "-c", command.replace("--port 5000", f"--port {port}")],
        cwd=folder, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=url, timeout=2) as client:
            wait_until_answering(server, client, "/health", "mlflow ui")
        train = env | {"MLFLOW_TRACKING_URI": url, "PYTHONPATH": str(SNIPPETS)}
        churn = [sys.executable, "-m", "churn"]
        for seed in ("7", "11"):  # this week's data, then next week's
            data = folder / f"data-{seed}.csv"
            for step in (
                ["generate", "--rows", "5000", "--seed", seed, "--out", str(data)],
                ["train", "--data", str(data), "--registry", str(folder / "ci")],
            ):
                subprocess.run([*churn, *step], env=train, check=True,
                               capture_output=True)  # fmt: skip
        yield url
    finally:
        with suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def run_ids(url: str) -> list[str]:
    """The churn experiment's runs, through the tracking server's REST API."""
    with httpx.Client(base_url=url, timeout=10) as client:
        experiment = client.get(
            "/api/2.0/mlflow/experiments/get-by-name",
            params={"experiment_name": "churn"},
        ).json()["experiment"]["experiment_id"]
        runs = client.post(
            "/api/2.0/mlflow/runs/search", json={"experiment_ids": [experiment]}
        ).json()["runs"]
    return [experiment, *(run["info"]["run_id"] for run in runs)]


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's header."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


def screenshot(page: Page) -> None:
    """The comparison as the page describes it: only what differs, and the rest."""
    page.get_by_role("button", name="Close").last.click()  # the assistant's panel
    for section in ("Visualizations", "Run details", "Artifacts"):
        page.get_by_text(section, exact=True).click()  # folded
    switches = page.get_by_role("switch")
    for index in range(switches.count()):
        switches.nth(index).click()  # "Show diff only" for each table
    page.wait_for_timeout(500)
    SHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=SHOT)


def test_the_ui_compares_the_two_runs_the_page_describes(ui: str, browser: Browser):
    experiment, *runs = run_ids(ui)
    assert len(runs) == 2
    page = browser.new_page(viewport=VIEWPORT)
    try:
        query = f"runs={json.dumps(runs)}&experiments={json.dumps([experiment])}"
        page.goto(f"{ui}/#/compare-runs?{query}", wait_until="load")
        expect(page.get_by_text("Comparing 2 Runs")).to_be_visible()
        for text in SHOWN[1:]:
            expect(page.get_by_text(text, exact=True).first).to_be_visible()
        # The two runs had the same settings and different data: the hashes differ.
        body = page.inner_text("body")
        hashes = [line for line in body.splitlines() if line.startswith("data_hash")]
        assert hashes, body
        assert len(set(hashes[0].split()[1:])) == 2, hashes
        if os.environ.get("UPDATE_SCREENSHOTS"):
            screenshot(page)
    finally:
        page.close()
    assert SHOT.is_file(), "no screenshot: run `make update-examples`"
    assert png_size(SHOT) == (VIEWPORT["width"], VIEWPORT["height"])
