"""Faults and bad input, tried on the system as a reader starts it.

In a fresh folder: generate, train, promote, then ``churn serve`` with uvicorn in a
process of its own, as the reader runs it. Then what production
throws at it: oversized, stalled, malformed and out-of-contract requests, a
champion file damaged under the running service, and command lines with the
wrong path. Each must get a clear answer (a 4xx, a 503 with the reason, one line
and a documented exit code) and nothing may be lost or created by accident.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from churn.cli import main
from churn.serve import BODY_DEADLINE_S, MAX_BODY_BYTES, Customer
from tests.churn.conftest import ADMIN, service
from tests.paths import SNIPPETS

# The example the service's own OpenAPI document gives: a valid customer.
CUSTOMER = Customer.model_config["json_schema_extra"]["examples"][0]


def churn(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the ``churn`` command as a reader would, in their folder."""
    return subprocess.run(
        [sys.executable, "-m", "churn", *args],
        cwd=cwd,
        env=os.environ | {"PYTHONPATH": str(SNIPPETS)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    """The error a failed command printed: exactly one line, no traceback."""
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    return done.stderr.strip()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory, _empty_registry: Path) -> Path:
    """A reader's folder after generate, train and promote: data and a registry."""
    here = tmp_path_factory.mktemp("reader")
    # A copy of a migrated, empty registry saves the seconds migrations take;
    # `train --create-registry` is tried in test_cli.py. In-process for the same
    # reason: the command line itself is probed below.
    shutil.copytree(_empty_registry, here / "registry")
    data, registry = str(here / "data" / "churn.csv"), str(here / "registry")
    assert main(["generate", "--rows", "3000", "--out", data]) == 0
    assert main(["train", "--data", data, "--registry", registry]) == 0
    assert main(["promote", "--registry", registry]) == 0
    return here


@pytest.fixture(scope="module")
def api(folder: Path) -> Iterator[httpx.Client]:
    with service(folder / "registry") as client:
        yield client


def metric(api: httpx.Client, name: str) -> float:
    for line in api.get("/metrics").text.splitlines():
        if line.startswith(f"{name} "):
            return float(line.split()[1])
    raise AssertionError(f"no metric {name}")


def test_the_champion_serves_through_onnx(api: httpx.Client) -> None:
    meta = api.get("/metadata").json()
    assert (meta["version"], meta["runtime"]) == ("1", "onnxruntime")
    assert api.post("/predict", json=CUSTOMER).status_code == 200


def test_a_body_over_the_limit_is_refused_before_it_is_read(api: httpx.Client) -> None:
    connection = http.client.HTTPConnection(api.base_url.host, api.base_url.port)
    try:
        connection.putrequest("POST", "/predict")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(50 * 2**20))
        connection.endheaders()  # and not one byte of the 50 MB body
        answer = connection.getresponse()
        detail = json.loads(answer.read())["detail"]
    finally:
        connection.close()
    assert answer.status == 413
    assert detail == f"the request body is larger than {MAX_BODY_BYTES:,} bytes"


def test_a_body_that_stalls_is_dropped_at_the_deadline(api: httpx.Client) -> None:
    host, port = api.base_url.host, api.base_url.port
    with socket.create_connection((host, port), timeout=BODY_DEADLINE_S + 10) as raw:
        head = (
            f"POST /predict HTTP/1.1\r\nHost: {host}\r\n"
            "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
        )
        raw.sendall(head.encode())  # one byte of a thousand, then nothing
        answer = raw.recv(4096).decode()
    assert answer.startswith("HTTP/1.1 408 ")


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (CUSTOMER | {"tenure_months": 84.0}, 200, None),  # a JSON integer
        (CUSTOMER | {"tenure_months": "84"}, 422, "tenure_months"),
        (
            CUSTOMER | {"customer_id": "C\u0661\u0662\u0663\u0664\u0665\u0666\u0667"},
            422,
            "customer_id",
        ),
        (CUSTOMER | {"contract": "weekly"}, 422, "contract"),
        (CUSTOMER | {"monthly_charges": float("nan")}, 422, "monthly_charges"),
        ({k: v for k, v in CUSTOMER.items() if k != "region"}, 422, "region"),
    ],
    ids=["84.0", "string", "arabic-digits", "category", "nan", "missing"],
)
def test_requests_get_the_status_the_contract_documents(
    api: httpx.Client, body: dict, status: int, field: str | None
) -> None:
    content = json.dumps(body)  # as Python writes it: NaN included
    answer = api.post(
        "/predict", content=content, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == status, answer.text
    if field is not None:
        assert field in {
            str(part) for error in answer.json()["detail"] for part in error["loc"]
        }


def test_json_nested_too_deep_gets_400_not_500(api: httpx.Client) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    answer = api.post(
        "/predict", content=deep, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 400


def test_a_champion_damaged_under_the_service_keeps_the_old_one_serving(
    api: httpx.Client, folder: Path
) -> None:
    published = folder / "registry" / "serving" / "churn.json"
    champion = json.loads(published.read_text())
    onnx = folder / "registry" / champion["onnx_file"]
    original = onnx.read_bytes()
    failures = metric(api, "churn_model_load_failures_total")
    try:
        onnx.write_bytes(original + b"\0")
        failed = api.post("/admin/reload", headers=ADMIN)
        assert failed.status_code == 503
        assert failed.json()["model_version"] == "1"  # still serving
        assert (
            "refusing to load a file that is not the recorded artifact" in failed.text
        )
        assert str(folder) not in failed.text  # no server path reaches the caller
        assert api.post("/predict", json=CUSTOMER).status_code == 200
        assert metric(api, "churn_model_load_failures_total") == failures + 1
    finally:
        onnx.write_bytes(original)
    assert api.post("/admin/reload", headers=ADMIN).status_code == 200


def test_docs_is_counted_under_its_own_route(api: httpx.Client) -> None:
    assert api.get("/docs").status_code == 200
    assert 'route="/docs"' in api.get("/metrics").text


def test_a_mistyped_registry_is_one_line_and_exit_2(folder: Path) -> None:
    # The other wrong command lines are tried in-process in test_cli.py.
    done = churn("promote", "--registry", "regsitry", cwd=folder)
    assert done.returncode == 2
    assert "no registry at regsitry" in one_line_error(done)
    assert not (folder / "regsitry").exists()  # nothing created by mistake
