"""One answer to the exercise of docs/skills/api-development.md.

``POST /v2/predict/explain`` takes the same ``Customer`` as ``/v2/predict`` and
answers its fields plus the three largest contributions, largest first. The model
and the explainer run together under one deadline, and a ``DeadlineExceeded`` becomes
a 504 with its reason. The versioning example's app is extended, never edited, so
every route it had keeps its contract: adding a route is not a breaking change.
Read it after your own attempt.
"""

from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from skills.api import versioning
from skills.api.timeouts import DeadlineExceeded, within
from skills.api.versioning import Customer, ScoreV2

TOP = 3


class FeatureEffect(BaseModel):
    """One feature, and how much it raised the churn probability."""

    feature: str
    contribution: float


class Explanation(ScoreV2):
    """The answer of ``/v2/predict``, and the features behind it."""

    top_features: list[FeatureEffect] = Field(
        min_length=TOP,
        max_length=TOP,
        description="The features that raised the probability most, largest first.",
    )


async def _deadline_exceeded(request: Request, exc: Exception) -> JSONResponse:
    """Answer 504: the service is up, this explanation ran out of time."""
    return JSONResponse({"detail": str(exc)}, 504)


def create_app(
    model: Callable[[Customer], float],
    explainer: Callable[[Customer], dict[str, float]],
    model_version: str,
    v1_headers: dict[str, str],
    deadline_s: float,
) -> FastAPI:
    """The versioning example's app, with ``POST /v2/predict/explain``.

    Args:
        model: Returns the churn probability of a customer.
        explainer: Returns each feature's contribution to that probability.
        model_version: The model's version, in every ``/v2`` answer.
        v1_headers: Sent with every ``/v1`` answer, as in the versioning example.
        deadline_s: Seconds an explanation may take before the answer is a 504.

    Returns:
        The app.
    """
    app = versioning.create_app(model, model_version, v1_headers)
    app.add_exception_handler(DeadlineExceeded, _deadline_exceeded)

    @app.post(
        "/v2/predict/explain",
        tags=["v2"],
        responses={504: {"description": "The explanation missed its deadline."}},
    )
    async def explain(customer: Customer) -> Explanation:
        """The answer of ``/v2/predict`` and the three features that raised it most."""
        probability, effects = await within(
            deadline_s, lambda: (model(customer), explainer(customer))
        )
        largest = sorted(effects.items(), key=lambda item: item[1], reverse=True)
        return Explanation(
            churn_probability=probability,
            model_version=model_version,
            top_features=[
                FeatureEffect(feature=name, contribution=value)
                for name, value in largest[:TOP]
            ],
        )

    return app
