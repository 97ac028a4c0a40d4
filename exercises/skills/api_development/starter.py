"""Exercise: add an explanation route to the versioning example.

From docs/skills/api-development.md. Add ``POST /v2/predict/explain`` to the app of
``skills.api.versioning``: the same request as ``/v2/predict``, and an answer with the
churn probability, the model version and the three features that raised the
probability most, largest first. Explanations are slow, so the route has a deadline
(``within`` from ``skills.api.timeouts``) and answers 504 when it passes.

Edit this file, then run ``make exercise NAME=skills/api_development``.
"""

from collections.abc import Callable

from fastapi import FastAPI
from pydantic import BaseModel

from skills.api import versioning
from skills.api.versioning import Customer, ScoreV2


class FeatureEffect(BaseModel):
    """One feature, and how much it raised the churn probability."""

    feature: str
    contribution: float


class Explanation(ScoreV2):
    """The answer of ``/v2/predict``, and the features behind it."""

    # TODO: top_features, a list of FeatureEffect that holds exactly three items:
    # say so with Field(min_length=..., max_length=...), so the OpenAPI document
    # tells clients too.


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
    # TODO: answer DeadlineExceeded (skills.api.timeouts) with a 504 and a reason.
    # TODO: POST /v2/predict/explain: run the model and the explainer with
    # within(deadline_s, ...), answer an Explanation with the three largest
    # contributions, and list the 504 in the route's documented responses.
    return app
