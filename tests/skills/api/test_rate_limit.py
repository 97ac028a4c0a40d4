from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from skills.api.rate_limit import RateLimiter, TokenBucket, create_app


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        """The time the test set."""
        return self.now


def test_a_bucket_allows_a_burst_then_says_how_long_to_wait() -> None:
    bucket = TokenBucket(rate=2, capacity=3, tokens=3, updated=0.0)
    assert [bucket.take(0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take(0.0) == pytest.approx(0.5)  # one token at 2 a second
    assert bucket.take(0.5) == 0.0


def test_a_bucket_never_holds_more_than_its_capacity() -> None:
    bucket = TokenBucket(rate=10, capacity=2, tokens=0, updated=0.0)
    assert bucket.take(3600.0) == 0.0
    assert bucket.take(3600.0) == 0.0
    assert bucket.take(3600.0) > 0


def test_a_clock_that_goes_back_adds_no_tokens() -> None:
    bucket = TokenBucket(rate=1, capacity=1, tokens=0, updated=10.0)
    assert bucket.take(5.0) == pytest.approx(1.0)


def test_each_client_has_its_own_bucket() -> None:
    limiter = RateLimiter(rate=1, burst=1)
    assert limiter.wait("a", 0.0) == 0.0
    assert limiter.wait("a", 0.0) > 0
    assert limiter.wait("b", 0.0) == 0.0


def test_buckets_that_are_full_again_are_forgotten() -> None:
    limiter = RateLimiter(rate=2, burst=4)
    for client in ("a", "b"):
        limiter.wait(client, 0.0)
    limiter.wait("c", 1.0)
    assert set(limiter.buckets) == {"a", "b", "c"}
    limiter.wait("c", 2.0)  # a and b idle for 2 s: full again at 2 a second
    assert set(limiter.buckets) == {"c"}


@pytest.mark.parametrize(
    ("rate", "burst", "message"),
    [
        (0, 1, "rate must be greater than 0, got 0"),
        (float("nan"), 1, "rate must be greater than 0"),
        (1, 0, "burst must be a whole number >= 1, got 0"),
        (1, 1.5, "burst must be a whole number >= 1, got 1.5"),
        (1, True, "burst must be a whole number >= 1, got True"),
    ],
)
def test_a_limit_out_of_range_is_named(rate: float, burst: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RateLimiter(rate, burst)


def test_over_the_limit_the_service_answers_429_with_retry_after() -> None:
    clock = Clock()
    with TestClient(create_app(rate=2, burst=3, clock=clock)) as client:
        codes = [client.post("/score", json={"x": 0.5}).status_code for _ in range(3)]
        refused = client.post("/score", json={"x": 0.5})
        clock.now += 0.5
        again = client.post("/score", json={"x": 0.5})
    assert codes == [200, 200, 200]
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "1"
    assert refused.json() == {"detail": "over 2 requests/s (burst 3); retry in 0.50 s"}
    assert again.status_code == 200
    assert again.json() == {"probability": 0.5}


def test_clients_are_told_apart_by_api_key_then_by_address() -> None:
    with TestClient(create_app(rate=1, burst=1, clock=Clock())) as client:
        first = client.post("/score", json={"x": 0.1}, headers={"x-api-key": "a"})
        other = client.post("/score", json={"x": 0.1}, headers={"x-api-key": "b"})
        by_address = client.post("/score", json={"x": 0.1})
        same_key = client.post("/score", json={"x": 0.1}, headers={"x-api-key": "a"})
    assert [first.status_code, other.status_code, by_address.status_code] == [200] * 3
    assert same_key.status_code == 429


def test_the_limit_is_in_the_openapi_document() -> None:
    with TestClient(create_app(rate=1, burst=1)) as client:
        document = client.get("/openapi.json").json()
    assert "429" in document["paths"]["/score"]["post"]["responses"]


def test_the_probes_are_never_limited() -> None:
    with TestClient(create_app(rate=1, burst=1, clock=Clock())) as client:
        assert client.post("/score", json={"x": 0.1}).status_code == 200
        assert client.post("/score", json={"x": 0.1}).status_code == 429
        assert [client.get("/health").status_code for _ in range(5)] == [200] * 5
