"""The service's limits on request bodies: too large gets 413, too slow gets 408."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from churn.data import CONTRACTS, INTERNET_SERVICES, PAYMENT_METHODS, REGIONS
from churn.serve import MAX_BODY_BYTES, LoadedModel, _BodyLimit, create_app
from tests.churn.conftest import on_loopback

OVER = f"the request body is larger than {MAX_BODY_BYTES:,} bytes"


def longest(values: tuple[str, ...]) -> str:
    return max(values, key=len)


def largest_valid_batch() -> bytes:
    """The longest body the schema accepts: 1,000 records of the longest values."""
    record = {
        "customer_id": "C9999999",
        "tenure_months": 120,
        "monthly_charges": 123.45678901234568,  # 17 significant digits: the longest
        "support_calls": 100,
        "senior": False,
        "contract": longest(CONTRACTS),
        "payment_method": longest(PAYMENT_METHODS),
        "internet_service": longest(INTERNET_SERVICES),
        "region": longest(REGIONS),
    }
    return json.dumps({"records": [record] * 1000}).encode()


def run_asgi(app: Any, body_chunks: list[bytes], stall: bool) -> list[dict[str, Any]]:
    """Send one POST /predict straight to the ASGI app; return what it sent back.

    The body arrives in ``body_chunks``; with ``stall`` the client then sends
    nothing more, as a client that stopped mid-body would.
    """
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/predict",
        "raw_path": b"/predict",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json")],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
        "app": app,
    }
    messages = [
        {"type": "http.request", "body": chunk, "more_body": True}
        for chunk in body_chunks
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop(0)
        if stall:
            await asyncio.Event().wait()  # never set: the client went quiet
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


def status_and_body(sent: list[dict[str, Any]]) -> tuple[int, dict[str, Any]]:
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(
        m.get("body", b"") for m in sent if m["type"] == "http.response.body"
    )
    return start["status"], json.loads(body)


def test_the_largest_valid_batch_fits_with_room_to_spare(served: LoadedModel) -> None:
    body = largest_valid_batch()
    # The limit is sized from this body: room for whitespace, nothing like 50 MB.
    assert 2 * len(body) <= MAX_BODY_BYTES <= 5 * len(body)
    with TestClient(create_app(lambda: served)) as client:
        response = client.post(
            "/predict/batch",
            content=body,
            headers={"content-type": "application/json"},
        )
    assert response.status_code == 200, response.text[:300]
    assert len(response.json()["predictions"]) == 1000


def test_a_declared_body_over_the_limit_is_refused_before_it_is_read(
    served: LoadedModel,
) -> None:
    app = create_app(lambda: served, max_body_bytes=100)
    with TestClient(app) as client:
        response = client.post("/predict", content=b" " * 101)
        metrics = client.get("/metrics").text
    assert response.status_code == 413
    assert response.json() == {"detail": "the request body is larger than 100 bytes"}
    assert 'route="/predict",status="413"' in metrics


def test_an_undeclared_body_is_counted_as_it_arrives(served: LoadedModel) -> None:
    app = create_app(lambda: served, max_body_bytes=100)
    with TestClient(app) as client:
        chunked = client.post("/predict", content=iter([b" " * 60, b" " * 60]))
    assert chunked.status_code == 413
    assert chunked.json() == {"detail": "the request body is larger than 100 bytes"}


def test_a_body_that_stalls_gets_408_at_the_deadline(served: LoadedModel) -> None:
    app = create_app(lambda: served, body_deadline_s=0.2)
    status, body = status_and_body(run_asgi(app, [b'{"tenure'], stall=True))
    assert status == 408
    assert body == {"detail": "the request body did not arrive within 0.2 s"}


def test_a_body_that_arrives_in_pieces_in_time_is_scored(served: LoadedModel) -> None:
    app = create_app(lambda: served, body_deadline_s=5)
    with TestClient(app) as client:  # runs the lifespan, which loads the model
        example = client.get("/openapi.json").json()["components"]["schemas"]
        record = json.dumps(example["Customer"]["examples"][0]).encode()
        pieces = [record[:10], record[10:]]
        response = client.post(
            "/predict",
            content=iter(pieces),
            headers={"content-type": "application/json"},
        )
    assert response.status_code == 200, response.text
    assert 0 <= response.json()["churn_probability"] <= 1


@pytest.fixture
def live(served: LoadedModel) -> Iterator[int]:
    """The app under a real uvicorn on a free loopback port, with a 0.5 s deadline."""
    with on_loopback(create_app(lambda: served, body_deadline_s=0.5)) as port:
        yield port


def raw_request(port: int, head: bytes, body: bytes) -> bytes:
    """Send bytes on a new connection, then read whatever the server answers."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(head + body)
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.endswith(b"}"):
            chunk = conn.recv(65536)
            if not chunk:
                break
            answer += chunk
    return answer


def test_a_real_server_drops_a_stalled_body_with_408(live: int) -> None:
    head = (
        b"POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
    )
    answer = raw_request(live, head, b'{"tenure_months": 1')  # then nothing
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert b"did not arrive within 0.5 s" in answer


def test_a_real_server_refuses_a_huge_body_without_reading_it(live: int) -> None:
    head = (
        b"POST /predict/batch HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 108000000\r\n\r\n"
    )
    answer = raw_request(live, head, b"")  # the 108 MB never need to be sent
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert OVER.encode() in answer


def test_after_the_body_a_read_may_wait_past_the_deadline() -> None:
    """A route that waits for the client to leave (a stream) is not cut at 408."""
    seen: list[dict[str, Any]] = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        seen.append(await receive())  # the whole body
        seen.append(await receive())  # then the disconnect, after the deadline

    async def receive() -> dict[str, Any]:
        if not seen:
            return {"type": "http.request", "body": b"{}", "more_body": False}
        await asyncio.sleep(0.3)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        raise AssertionError(f"nothing should be sent: {message}")

    limit = _BodyLimit(inner, max_bytes=100, deadline_s=0.1)
    scope = {"type": "http", "headers": []}
    asyncio.run(limit(scope, receive, send))
    assert [m["type"] for m in seen] == ["http.request", "http.disconnect"]


def test_fastapis_own_limit_still_escapes_the_counting_middleware(
    served: LoadedModel, caplog: pytest.LogCaptureFixture
) -> None:
    """A canary for the service page's reason to keep its own size check.

    When this fails, FastAPI's ``max_body_size`` answers a declared oversize body
    without an exception through ``_Observe``: use it, and say so on the page.
    """
    app = create_app(lambda: served, max_body_bytes=10**9)
    app.max_body_size = 100  # FastAPI's limit alone; read when the app first runs
    with TestClient(app, raise_server_exceptions=False) as client:
        refused = client.post(
            "/predict", content=b" " * 101, headers={"content-type": "application/json"}
        )
        metrics = client.get("/metrics").text
    assert refused.status_code == 413
    assert refused.headers["content-type"].startswith("text/plain")
    assert "event=unhandled_error" in caplog.text
    assert 'status="413"' not in metrics
