"""A rate limit per client: a steady rate, a short burst, then 429 with Retry-After.

One client in a loop (a batch job someone forgot to throttle, a retry storm) can
take every worker a service has, and every other caller waits. A token bucket gives
each client ``burst`` requests at once and ``rate`` more per second after that; a
request that finds the bucket empty gets ``429 Too Many Requests`` at once, with a
``Retry-After`` header that says how many seconds to wait, instead of a queue.

The buckets live in this process. Behind a load balancer each replica keeps its
own, so a client's real limit is the rate times the replicas it reaches; a limit
that must hold across the fleet needs shared storage (see the page).
"""

from __future__ import annotations

# --8<-- [start:imports]
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

# --8<-- [end:imports]


# --8<-- [start:bucket]
@dataclass
class TokenBucket:
    """Holds up to ``capacity`` tokens and gains ``rate`` tokens a second.

    Each request spends one. Nothing runs in the background: the refill since the
    last request is added when the next one arrives.
    """

    rate: float
    capacity: float
    tokens: float
    updated: float

    def take(self, now: float) -> float:
        """Spend one token if there is one.

        Args:
            now: The time, in seconds, from a clock that never goes back.

        Returns:
            0.0 if the request may go ahead, else the seconds until a token is back.
        """
        elapsed = max(now - self.updated, 0.0)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


# --8<-- [end:bucket]


# --8<-- [start:limiter]
class RateLimiter:
    """One token bucket per client, created on a client's first request.

    A bucket left alone until it is full again is the same as a new one, so those
    are dropped: memory grows with the clients of the last few seconds, not with
    every client ever seen.
    """

    def __init__(self, rate: float, burst: int) -> None:
        """Check the limit.

        Args:
            rate: Requests per second each client may make, greater than 0.
            burst: Requests a client may make at once, at least 1.

        Raises:
            ValueError: If either is out of range; the message names it.
        """
        if not rate > 0:
            raise ValueError(f"rate must be greater than 0, got {rate!r}")
        if isinstance(burst, bool) or not isinstance(burst, int) or burst < 1:
            raise ValueError(f"burst must be a whole number >= 1, got {burst!r}")
        self.rate, self.burst = rate, burst
        self.buckets: dict[str, TokenBucket] = {}

    def wait(self, client: str, now: float) -> float:
        """Seconds ``client`` must wait before this request, 0.0 if none."""
        self._forget_full(now)
        bucket = self.buckets.get(client)
        if bucket is None:
            bucket = TokenBucket(self.rate, self.burst, self.burst, now)
            self.buckets[client] = bucket
        return bucket.take(now)

    def _forget_full(self, now: float) -> None:
        refill_s = self.burst / self.rate  # an empty bucket is full again after this
        idle = [k for k, b in self.buckets.items() if now - b.updated >= refill_s]
        for key in idle:
            del self.buckets[key]


# --8<-- [end:limiter]


# --8<-- [start:app]
class Features(BaseModel):
    """A toy request: one number in."""

    model_config = ConfigDict(strict=True, extra="forbid")

    x: float


# What an orchestrator and Prometheus call: refusing them would fail a healthy pod.
EXEMPT = frozenset({"/health", "/ready", "/metrics"})


def client_of(request: Request) -> str:
    """Who is asking: the API key if the request has one, else its address."""
    key = request.headers.get("x-api-key")
    if key:
        return f"key:{key}"
    return f"ip:{request.client.host if request.client else 'unknown'}"


def create_app(
    rate: float, burst: int, clock: Callable[[], float] = time.monotonic
) -> FastAPI:
    """Serve ``POST /score`` with a rate limit per client.

    Args:
        rate: Requests per second each client may make.
        burst: Requests a client may make at once.
        clock: Seconds from a clock that never goes back; tests pass their own.

    Returns:
        The app. Over the limit, it answers 429 with ``Retry-After``.
    """
    limiter = RateLimiter(rate, burst)
    app = FastAPI(title="Scoring with a rate limit")

    @app.middleware("http")
    async def limit(request: Request, call_next: Callable) -> Response:
        if request.url.path in EXEMPT:
            return await call_next(request)
        # One event loop runs every request, so no two touch a bucket at once.
        wait = limiter.wait(client_of(request), clock())
        if wait:
            detail = f"over {rate:g} requests/s (burst {burst}); retry in {wait:.2f} s"
            headers = {"Retry-After": str(math.ceil(wait))}  # whole seconds, RFC 9110
            return JSONResponse({"detail": detail}, 429, headers=headers)
        return await call_next(request)

    @app.get("/health")
    async def health() -> dict[str, str]:
        """Liveness: never rate limited (`EXEMPT`)."""
        return {"status": "ok"}

    @app.post("/score", responses={429: {"description": "Over the rate limit."}})
    async def score(features: Features) -> dict[str, float]:
        """A stand-in for a model: echo the number back."""
        return {"probability": features.x}

    return app


# --8<-- [end:app]
