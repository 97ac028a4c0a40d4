"""A deadline for every request: answer 504 in time rather than hold a caller forever.

A caller waits only so long. If the model is stuck (a lock, a huge input, a slow
disk), a service without a deadline keeps the connection open until the caller's
own timeout fires, and the caller learns nothing. With a deadline, the service
answers ``504`` with a reason before the caller gives up, counts it, and frees the
connection.

One thing a deadline cannot do in Python: stop the thread doing the work. The
answer goes back on time, but the thread runs on until the model returns. So a
deadline works together with limits on the work itself (at most 1,000 records a
request in the churn service), never instead of them.
"""

from __future__ import annotations

# --8<-- [start:imports]
import asyncio
from collections.abc import Callable
from typing import TypeVar

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

# --8<-- [end:imports]

# --8<-- [start:deadline]
T = TypeVar("T")


class DeadlineExceeded(Exception):
    """The work did not finish within the request's deadline."""


async def within(seconds: float, work: Callable[[], T]) -> T:
    """Run blocking work on a worker thread, waiting at most `seconds` for it.

    Args:
        seconds: The deadline, greater than 0.
        work: The blocking call, e.g. a model's predict.

    Returns:
        What `work` returned.

    Raises:
        DeadlineExceeded: If `work` took longer. The thread is not stopped; it
            finishes in the background and its result is dropped.
    """
    try:
        async with asyncio.timeout(seconds):
            return await asyncio.to_thread(work)
    except TimeoutError:
        raise DeadlineExceeded(f"no answer within {seconds} s") from None


# --8<-- [end:deadline]


# --8<-- [start:schemas]
class Features(BaseModel):
    """A toy request: one number in."""

    model_config = ConfigDict(strict=True, extra="forbid")

    x: float = Field(ge=0.0, le=1.0)


class Score(BaseModel):
    """A toy answer: one probability out."""

    probability: float


# --8<-- [end:schemas]


# --8<-- [start:app]
async def _deadline_exceeded(request: Request, exc: Exception) -> JSONResponse:
    """Answer 504: the service is up, this request ran out of time."""
    return JSONResponse({"detail": str(exc)}, 504)


def create_app(model: Callable[[float], float], deadline_s: float) -> FastAPI:
    """Serve a model whose every call must finish within a deadline.

    Args:
        model: Returns a probability for a number.
        deadline_s: Seconds each prediction may take, greater than 0. Keep it
            below the timeout of whatever calls the service (client, gateway).

    Returns:
        The app, with ``POST /score``.

    Raises:
        ValueError: If `deadline_s` is not positive.
    """
    if not deadline_s > 0:
        raise ValueError(f"deadline_s must be greater than 0, got {deadline_s}")
    app = FastAPI(title="Scoring with a deadline")
    app.add_exception_handler(DeadlineExceeded, _deadline_exceeded)

    @app.post("/score", responses={504: {"description": "The deadline passed."}})
    async def score(features: Features) -> Score:
        """Score one request, or answer 504 when the deadline passes first."""
        probability = await within(deadline_s, lambda: model(features.x))
        return Score(probability=probability)

    return app


# --8<-- [end:app]
