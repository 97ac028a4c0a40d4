"""One answer to the exercise of docs/capstone/service.md.

``threshold`` is a query parameter, so the request body keeps the data contract's
``Customer`` and nothing else. FastAPI checks its bounds before the route runs, so a
threshold outside 0 to 1 gets the service's 422 naming it, and the same bounds
appear in the OpenAPI document. Without a threshold, ``will_churn`` is None and
every other field is the service's own answer. Read it after your own attempt.
"""

from typing import Annotated

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.routing import APIRoute
from pydantic import Field
from starlette.routing import Route

from churn import serve
from churn.serve import Customer, Prediction

Threshold = Annotated[
    float | None,
    Query(
        ge=0.0,
        le=1.0,
        description="Say will_churn: true when the probability is at least this.",
    ),
]


class Decision(Prediction):
    """A prediction, and whether it reaches the caller's threshold."""

    will_churn: bool | None = Field(
        None, description="Probability >= threshold; null without a threshold."
    )


def create_app(loader: serve.Loader) -> FastAPI:
    """The churn service, whose ``/predict`` takes an optional ``threshold``.

    Args:
        loader: Returns the model to serve, as for ``churn.serve.create_app``.

    Returns:
        The app.
    """
    app = serve.create_app(loader)
    # Plumbing, not the exercise: keep FastAPI's own pages (/docs, /openapi.json),
    # put the service's routes back without its /predict, and add yours below.
    app.router.routes = [
        route
        for route in app.router.routes
        if isinstance(route, Route) and not isinstance(route, APIRoute)
    ]
    app.include_router(
        APIRouter(routes=[r for r in serve.router.routes if r.path != "/predict"])
    )

    @app.post("/predict", responses={**serve.UNAVAILABLE, **serve.BODY})
    async def predict(
        customer: Customer, request: Request, threshold: Threshold = None
    ) -> Decision:
        """Return the churn probability of one customer, and a decision if asked."""
        prediction = await serve.predict(customer, request)
        decision = Decision(**prediction.model_dump())
        if threshold is not None:
            decision.will_churn = prediction.churn_probability >= threshold
        return decision

    return app
