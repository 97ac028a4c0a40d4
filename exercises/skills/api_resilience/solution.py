"""One answer to the exercise of docs/skills/api-resilience.md.

Two middlewares on the timeouts example's app. The inner one is the rate limit: a
request over its client's limit is answered 429 before it reaches the model, so it
costs no worker and no time, while an admitted request spends its token whether it
is answered in time or gets a 504. The outer one tags every request, the refused
ones included, with the client's ``X-Request-ID`` (or a new one) and logs one line
about it. Read it after your own attempt.
"""

import logging
import math
import re
import time
import uuid
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from skills.api import timeouts
from skills.api.rate_limit import RateLimiter, client_of

logger = logging.getLogger("exercise.api_resilience")
# A header is user input that ends up in log files: keep short, plain IDs only.
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

Next = Callable[[Request], Awaitable[Response]]


def create_app(
    model: Callable[[float], float],
    deadline_s: float,
    rate: float,
    burst: int,
    clock: Callable[[], float] = time.monotonic,
) -> FastAPI:
    """The timeouts example's ``POST /score``, rate limited and tagged with an ID.

    Args:
        model: Returns a probability for a number.
        deadline_s: Seconds each prediction may take before the answer is a 504.
        rate: Requests per second each client may make.
        burst: Requests a client may make at once.
        clock: Seconds from a clock that never goes back; the checks pass their own.

    Returns:
        The app.
    """
    app = timeouts.create_app(model, deadline_s)
    limiter = RateLimiter(rate, burst)

    # The middleware added last runs first: the limiter is added before the tagging.
    @app.middleware("http")
    async def limit(request: Request, call_next: Next) -> Response:
        wait = limiter.wait(client_of(request), clock())
        if wait:
            detail = f"over {rate:g} requests/s (burst {burst}); retry in {wait:.2f} s"
            headers = {"Retry-After": str(math.ceil(wait))}
            return JSONResponse({"detail": detail}, 429, headers=headers)
        return await call_next(request)

    @app.middleware("http")
    async def tag(request: Request, call_next: Next) -> Response:
        given = request.headers.get("x-request-id", "")
        request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        response = await call_next(request)
        response.headers["X-Request-ID"] = request_id
        logger.info(
            "request_id=%s method=%s path=%s status=%s",
            request_id,
            request.method,
            request.url.path,
            response.status_code,
        )
        return response

    return app
