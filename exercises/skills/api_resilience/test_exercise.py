"""Checks for the exercise of docs/skills/api-resilience.md: the defences together."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from types import ModuleType

import httpx
import pytest
from fastapi.testclient import TestClient

BODY = {"x": 0.5}


class Clock:
    """A clock the checks move by hand: no check sleeps."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        """The time now, in seconds."""
        return self.now


class Model:
    """Counts its calls and echoes the number back."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, x: float) -> float:
        """Echo ``x``, counting the call."""
        self.calls += 1
        return x


class Stuck:
    """A model that waits until the check lets it go."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def __call__(self, x: float) -> float:
        """Wait for the release, then echo ``x``."""
        self.release.wait(timeout=60)  # a guard against a hung run, not a check
        return x


@pytest.fixture
def stuck() -> Iterator[Stuck]:
    """A stuck model, released after the check so its threads end."""
    made = Stuck()
    yield made
    made.release.set()


def client_of(
    exercise: ModuleType,
    model: Callable[[float], float] | None = None,
    rate: float = 2,
    burst: int = 3,
) -> TestClient:
    """A test client on the app of the file under check, with a frozen clock."""
    app = exercise.create_app(
        model or Model(), deadline_s=0.05, rate=rate, burst=burst, clock=Clock()
    )
    return TestClient(app)


def score(client: TestClient, request_id: str | None = None) -> httpx.Response:
    """``POST /score``, with ``X-Request-ID`` when one is given."""
    headers = {"X-Request-ID": request_id} if request_id else {}
    return client.post("/score", json=BODY, headers=headers)


def shown(request_id: str | None) -> str:
    """A request ID as the reader reads it, or that there was none."""
    return repr(request_id) if request_id else "no ID"


def test_the_call_after_a_burst_is_refused(exercise: ModuleType) -> None:
    """The call after a full burst gets a 429 with Retry-After."""
    with client_of(exercise, rate=2, burst=3) as client:
        codes = [score(client).status_code for _ in range(4)]
        last = score(client)
    assert codes == [200, 200, 200, 429], (
        f"with rate=2 and burst=3, four calls at once answered {codes}: want three "
        "200s and a 429"
    )
    wait = last.headers.get("Retry-After")
    assert wait == "1", (
        f"the 429's Retry-After is {wait!r}: a token is back in 0.5 s, so want '1', "
        "whole seconds rounded up"
    )


def test_the_client_id_comes_back(exercise: ModuleType) -> None:
    """An answer carries the X-Request-ID the client sent."""
    with client_of(exercise) as client:
        response = score(client, "checkout-7f3a")
    found = response.headers.get("X-Request-ID")
    assert found == "checkout-7f3a", (
        f"a call sent with X-Request-ID checkout-7f3a got back {shown(found)}: "
        "want the same ID, so both sides can find the call in their logs"
    )


def test_a_request_without_an_id_gets_one(exercise: ModuleType) -> None:
    """A request without an ID gets a new one, different for each request."""
    with client_of(exercise) as client:
        found = [score(client).headers.get("X-Request-ID") for _ in range(2)]
    assert all(found), (
        f"two calls without X-Request-ID got back {', '.join(map(shown, found))}: "
        "want an ID the service made"
    )
    assert found[0] != found[1], (
        f"two calls without X-Request-ID both got {found[0]!r}: want a new ID for each"
    )


def test_a_504_carries_the_id(exercise: ModuleType, stuck: Stuck) -> None:
    """A 504 from the deadline carries the client's request ID."""
    with client_of(exercise, stuck) as client:
        try:
            response = score(client, "late-1")
        finally:
            stuck.release.set()
    assert response.status_code == 504, (
        f"a model that never answers got the call a {response.status_code}: want "
        "the timeouts example's 504 after 0.05 s"
    )
    found = response.headers.get("X-Request-ID")
    assert found == "late-1", (
        f"the 504 came back with {shown(found)}: want late-1, the one sent"
    )


def test_a_429_carries_the_id(exercise: ModuleType) -> None:
    """A 429 from the limiter carries the client's request ID."""
    with client_of(exercise, rate=1, burst=1) as client:
        score(client, "first-1")
        response = score(client, "refused-2")
    assert response.status_code == 429, (
        f"with burst=1, the second call at once answered {response.status_code}: "
        "want 429"
    )
    found = response.headers.get("X-Request-ID")
    assert found == "refused-2", (
        f"the 429 came back with {shown(found)}: want refused-2, the one "
        "sent; tag requests outside the limiter"
    )


def test_one_log_line_per_request(
    exercise: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    """Each request is logged in one line with its request ID and status."""
    with caplog.at_level(logging.INFO), client_of(exercise, rate=1, burst=1) as client:
        score(client, "first-1")
        score(client, "refused-2")
    for request_id, status in [("first-1", "200"), ("refused-2", "429")]:
        lines = [
            record.getMessage().split()
            for record in caplog.records
            if f"request_id={request_id}" in record.getMessage().split()
        ]
        assert len(lines) == 1, (
            f"{len(lines)} log lines have request_id={request_id}: want one line per "
            "request, in key=value pairs"
        )
        assert f"status={status}" in lines[0], (
            f"the line about {request_id} is {' '.join(lines[0])!r}: want it to say "
            f"status={status}"
        )


def test_a_refused_call_never_reaches_the_model(exercise: ModuleType) -> None:
    """A refused call never reaches the model."""
    model = Model()
    with client_of(exercise, model, rate=1, burst=1) as client:
        codes = [score(client).status_code for _ in range(3)]
    assert codes == [200, 429, 429], (
        f"with burst=1, three calls at once answered {codes}: want 200, 429, 429"
    )
    assert model.calls == 1, (
        f"the model was called {model.calls} times for one admitted call: a refused "
        "call must cost no model time, so the limiter goes in front of the deadline"
    )


def test_a_late_call_counts_against_the_limit(
    exercise: ModuleType, stuck: Stuck
) -> None:
    """A call that ran out of time still spends the client's budget."""
    with client_of(exercise, stuck, rate=1, burst=2) as client:
        try:
            codes = [score(client).status_code for _ in range(3)]
        finally:
            stuck.release.set()
    assert codes == [504, 504, 429], (
        f"with burst=2 and a model that never answers, three calls at once answered "
        f"{codes}: want 504, 504, 429; a call that got a 504 kept a worker busy, so "
        "it counts against the limit"
    )
