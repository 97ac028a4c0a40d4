from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from skills.api.timeouts import DeadlineExceeded, create_app, within


class Stuck:
    """A model that blocks until the test releases it, then answers 0.5."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self.finished = threading.Event()

    def __call__(self, x: float) -> float:
        """Signal the call started, wait for release, then answer."""
        self.entered.set()
        self.release.wait(timeout=60)  # a guard against a hung test, not a check
        self.finished.set()
        return 0.5


@pytest.fixture
def stuck() -> Iterator[Stuck]:
    model = Stuck()
    yield model
    model.release.set()  # let the abandoned thread end before the next test


def test_a_fast_model_answers(stuck: Stuck) -> None:
    with TestClient(create_app(lambda x: x / 2, deadline_s=5)) as client:
        response = client.post("/score", json={"x": 0.5})
    assert response.status_code == 200
    assert response.json() == {"probability": 0.25}


def test_a_stuck_model_gets_504_in_time_and_finishes_later(stuck: Stuck) -> None:
    with TestClient(create_app(stuck, deadline_s=0.05)) as client:
        response = client.post("/score", json={"x": 0.5})
        assert response.status_code == 504
        assert response.json() == {"detail": "no answer within 0.05 s"}
        # The answer came back while the model was still running: a deadline
        # frees the caller, not the thread.
        assert stuck.entered.is_set()
        assert not stuck.finished.is_set()
        stuck.release.set()
        assert stuck.finished.wait(timeout=60)
        assert client.get("/openapi.json").status_code == 200  # still serving


def test_within_returns_the_result_or_raises() -> None:
    assert asyncio.run(within(5, lambda: 42)) == 42
    never = threading.Event()

    async def late() -> None:
        with pytest.raises(DeadlineExceeded, match=r"no answer within 0\.01 s"):
            await within(0.01, lambda: never.wait(timeout=60))
        never.set()  # asyncio.run waits for the worker thread before it returns

    asyncio.run(late())


def test_a_bad_request_is_422_before_any_model_call(stuck: Stuck) -> None:
    with TestClient(create_app(stuck, deadline_s=0.05)) as client:
        response = client.post("/score", json={"x": 2})
    assert response.status_code == 422
    assert not stuck.entered.is_set()


@pytest.mark.parametrize("deadline", [0, -1.0])
def test_the_deadline_must_be_positive(deadline: float) -> None:
    with pytest.raises(ValueError, match="deadline_s must be greater than 0"):
        create_app(lambda x: x, deadline_s=deadline)


def test_openapi_documents_the_504() -> None:
    app = create_app(lambda x: x, deadline_s=1)
    responses = app.openapi()["paths"]["/score"]["post"]["responses"]
    assert set(responses) == {"200", "422", "504"}
