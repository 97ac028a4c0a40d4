"""Versioned routes: a breaking change gets a new path; the old one says when it ends.

A client that parses ``probability`` breaks the day the field is renamed. So the
rename ships as ``/v2/predict`` beside an unchanged ``/v1/predict``, and every
``/v1`` answer carries three headers a client (or its monitoring) can act on:
``Deprecation`` (since when, RFC 9745), ``Sunset`` (the date it stops working,
RFC 8594) and a ``Link`` to the successor.

The API version and the model version are separate things. The API version names
the contract; the model version names what computed the number, and it changes with
every retraining without breaking anyone, so it travels in the response body.
"""

from __future__ import annotations

# --8<-- [start:imports]
from collections.abc import Callable
from datetime import datetime
from email.utils import format_datetime

from fastapi import APIRouter, FastAPI, Response
from pydantic import BaseModel, ConfigDict, Field

# --8<-- [end:imports]


# --8<-- [start:request]
class Customer(BaseModel):
    """The request, the same in both versions: only the answer changed."""

    model_config = ConfigDict(strict=True, extra="forbid")

    tenure_months: int = Field(ge=0, le=120, description="Months as a customer.")
    monthly_charges: float = Field(ge=0.0, le=500.0, description="Monthly bill.")


# --8<-- [end:request]


# --8<-- [start:responses]
class ScoreV1(BaseModel):
    """Version 1 of the answer: a bare probability."""

    probability: float = Field(ge=0.0, le=1.0)


class ScoreV2(BaseModel):
    """Version 2: the field says what it is, and the model version comes with it."""

    churn_probability: float = Field(ge=0.0, le=1.0)
    model_version: str


# --8<-- [end:responses]


# --8<-- [start:deprecation]
def deprecation_headers(
    deprecated_on: datetime, sunset: datetime, successor: str
) -> dict[str, str]:
    """Build the headers that tell a client a route is deprecated, and until when.

    Args:
        deprecated_on: When the route became deprecated (timezone-aware).
        sunset: When it stops answering (timezone-aware, after `deprecated_on`).
        successor: The path that replaces it, e.g. ``/v2/predict``.

    Returns:
        ``Deprecation``, ``Sunset`` and ``Link`` headers.

    Raises:
        ValueError: If a date has no timezone, or the sunset is not after the
            deprecation.
    """
    if deprecated_on.tzinfo is None or sunset.tzinfo is None:
        raise ValueError("dates must be timezone-aware, e.g. datetime(..., tzinfo=UTC)")
    if sunset <= deprecated_on:
        raise ValueError(
            f"sunset {sunset:%Y-%m-%d} must come after {deprecated_on:%Y-%m-%d}"
        )
    return {
        "Deprecation": f"@{int(deprecated_on.timestamp())}",
        "Sunset": format_datetime(sunset, usegmt=True),
        "Link": f'<{successor}>; rel="successor-version"',
    }


# --8<-- [end:deprecation]


# --8<-- [start:routes]
def create_app(
    model: Callable[[Customer], float],
    model_version: str,
    v1_headers: dict[str, str],
) -> FastAPI:
    """Serve one model under two versions of the contract.

    Args:
        model: Returns the churn probability of a customer.
        model_version: The model's version, reported by ``/v2``.
        v1_headers: Sent with every ``/v1`` answer, from `deprecation_headers`.

    Returns:
        The app, with ``POST /v1/predict`` (deprecated) and ``POST /v2/predict``.
    """
    v1 = APIRouter(prefix="/v1", tags=["v1"], deprecated=True)
    v2 = APIRouter(prefix="/v2", tags=["v2"])

    @v1.post("/predict")
    def predict_v1(customer: Customer, response: Response) -> ScoreV1:
        """Deprecated: use ``/v2/predict``."""
        response.headers.update(v1_headers)
        return ScoreV1(probability=model(customer))

    @v2.post("/predict")
    def predict_v2(customer: Customer) -> ScoreV2:
        """The churn probability and the model version that computed it."""
        return ScoreV2(churn_probability=model(customer), model_version=model_version)

    app = FastAPI(title="Churn model", version="2")  # the version of the contract
    app.include_router(v1)
    app.include_router(v2)
    return app


# --8<-- [end:routes]
