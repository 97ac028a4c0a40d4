"""Exercise: a decision threshold on the churn service's ``/predict``.

From docs/capstone/service.md. Give ``POST /predict`` an optional ``threshold`` query
parameter, between 0 and 1: with it, the answer also says ``will_churn``, true when
the probability is at or above the threshold. Without it, ``/predict`` answers as
before. The route below already stands in for the service's own and calls it; add
the parameter and the field.

Edit this file, then run ``make exercise NAME=capstone/service``.
"""

from fastapi import APIRouter, FastAPI, Request
from fastapi.routing import APIRoute
from starlette.routing import Route

from churn import serve
from churn.serve import Customer, Prediction


class Decision(Prediction):
    """A prediction, and whether it reaches the caller's threshold."""

    # TODO: will_churn, true or false, or None when the request has no threshold.


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
    async def predict(customer: Customer, request: Request) -> Decision:
        """Return the churn probability of one customer."""
        # TODO: an optional query parameter, threshold, from 0 to 1 with both ends
        # allowed: Annotated[float | None, Query(ge=..., le=..., description=...)].
        prediction = await serve.predict(customer, request)
        # TODO: with a threshold, say will_churn as well.
        return Decision(**prediction.model_dump())

    return app
