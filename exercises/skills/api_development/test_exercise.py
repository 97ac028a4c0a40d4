"""Checks for the exercise of docs/skills/api-development.md: an explanation route."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from skills.api import versioning
from skills.api.versioning import Customer

PATH = "/v2/predict/explain"
CUSTOMER = {"tenure_months": 3, "monthly_charges": 95.5}
HEADERS = versioning.deprecation_headers(
    deprecated_on=datetime(2025, 1, 1, tzinfo=UTC),
    sunset=datetime(2025, 7, 1, tzinfo=UTC),
    successor="/v2/predict",
)
EFFECTS = {
    "monthly_charges": 0.2,
    "contract": -0.3,
    "tenure_months": 0.4,
    "support_calls": 0.1,
    "fiber": 0.3,
}


def stand_in(customer: Customer) -> float:
    """A stand-in for the model, as on the page."""
    return round(1 - customer.tenure_months / 120, 3)


def explainer(customer: Customer) -> dict[str, float]:
    """Five contributions, out of order, one of them negative."""
    return dict(EFFECTS)


class Stuck:
    """An explainer that waits until the check lets it go."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def __call__(self, customer: Customer) -> dict[str, float]:
        """Wait for the release, then explain."""
        self.release.wait(timeout=60)  # a guard against a hung run, not a check
        return dict(EFFECTS)


@pytest.fixture
def stuck() -> Iterator[Stuck]:
    """A stuck explainer, released after the check so its thread ends."""
    made = Stuck()
    yield made
    made.release.set()


def app_of(
    exercise: ModuleType,
    explain: Callable[[Customer], dict[str, float]] = explainer,
    deadline_s: float = 5.0,
) -> FastAPI:
    """The app of the file under check, with the stand-in model."""
    return exercise.create_app(stand_in, explain, "7", HEADERS, deadline_s)


def route(document: dict[str, Any]) -> dict[str, Any]:
    """The explanation route in an OpenAPI document; fails in words without it."""
    found = document["paths"].get(PATH, {}).get("post")
    assert found is not None, (
        f"the OpenAPI document has no POST {PATH}: add the route "
        f"(it has {', '.join(sorted(document['paths']))})"
    )
    return found


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """A schema with its ``$ref`` followed, if it has one."""
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_a_good_request_is_explained(exercise: ModuleType) -> None:
    """A good request gets the probability, the model version and the top three."""
    with TestClient(app_of(exercise)) as client:
        response = client.post(PATH, json=CUSTOMER)
    assert response.status_code == 200, (
        f"POST {PATH} with a good request answered {response.status_code}: want 200"
    )
    body = response.json()
    assert (body.get("churn_probability"), body.get("model_version")) == (0.975, "7"), (
        f"the answer is {body}: want churn_probability 0.975 and model_version '7', "
        "the same as /v2/predict"
    )
    top = [
        (item.get("feature"), item.get("contribution"))
        for item in body.get("top_features", [])
    ]
    want = [("tenure_months", 0.4), ("fiber", 0.3), ("monthly_charges", 0.2)]
    assert top == want, (
        f"top_features are {top}: out of five contributions, want the three largest, "
        f"largest first, {want}"
    )


def test_an_unknown_field_is_refused(exercise: ModuleType) -> None:
    """A request with an unknown field gets a 422 that names the field."""
    with TestClient(app_of(exercise)) as client:
        response = client.post(PATH, json=CUSTOMER | {"tenure_month": 3})
    assert response.status_code == 422, (
        f"a request with a misspelt field, tenure_month, answered "
        f"{response.status_code}: want 422, as /v2/predict does"
    )
    named = [error["loc"][-1] for error in response.json()["detail"]]
    assert "tenure_month" in named, (
        f"the 422 names {named}: want it to name tenure_month"
    )


def test_a_stuck_explainer_gets_504(exercise: ModuleType, stuck: Stuck) -> None:
    """An explainer that misses the deadline gets a 504 with a reason."""
    with TestClient(app_of(exercise, stuck, deadline_s=0.05)) as client:
        response = client.post(PATH, json=CUSTOMER)
        stuck.release.set()
    assert response.status_code == 504, (
        f"with an explainer that never answers and a deadline of 0.05 s, POST {PATH} "
        f"answered {response.status_code}: want 504 once the deadline passes"
    )
    assert response.json().get("detail"), (
        f"the 504's body is {response.json()}: want a detail that says why"
    )


def test_the_document_says_three_features(exercise: ModuleType) -> None:
    """The OpenAPI document says the list holds exactly three features."""
    document = app_of(exercise).openapi()
    answer = route(document)["responses"]["200"]["content"]["application/json"]
    schema = resolve(document, answer["schema"])
    lists = {
        name: resolve(document, field)
        for name, field in schema.get("properties", {}).items()
        if resolve(document, field).get("type") == "array"
    }
    assert lists, (
        f"the answer's schema has the fields {sorted(schema.get('properties', {}))}, "
        "none of them a list: add top_features, a list of FeatureEffect"
    )
    bounds = {name: (f.get("minItems"), f.get("maxItems")) for name, f in lists.items()}
    said = "; ".join(
        f"{name} holds at least {low or 0} and at most {high or 'any number of'} items"
        for name, (low, high) in bounds.items()
    )
    assert (3, 3) in bounds.values(), (
        f"in the document, {said}: want exactly 3, from Field(min_length=3, "
        "max_length=3)"
    )


def test_the_document_lists_the_504(exercise: ModuleType) -> None:
    """The OpenAPI document lists the 504 a client of the route must handle."""
    responses = route(app_of(exercise).openapi())["responses"]
    assert "504" in responses, (
        f"POST {PATH} documents the answers {sorted(responses)}: add the 504 with "
        "responses={504: {...}} on the route"
    )


def test_nothing_that_was_there_changed(exercise: ModuleType) -> None:
    """Every route and schema of the versioning example is unchanged."""
    before = versioning.create_app(stand_in, "7", HEADERS).openapi()
    after = app_of(exercise).openapi()
    changed = [
        p for p in before["paths"] if after["paths"].get(p) != before["paths"][p]
    ]
    assert changed == [], (
        f"the routes {changed} differ from the versioning example's: a new route must "
        "leave the old ones as they were, or it breaks their clients"
    )
    schemas = after.get("components", {}).get("schemas", {})
    old = before["components"]["schemas"]
    changed = [name for name in old if schemas.get(name) != old[name]]
    assert changed == [], (
        f"the schemas {changed} differ from the versioning example's: add new ones, "
        "change none"
    )
    with TestClient(app_of(exercise)) as client:
        v1 = client.post("/v1/predict", json=CUSTOMER)
    assert v1.headers.get("Sunset") == HEADERS["Sunset"], (
        "/v1/predict no longer announces its sunset: keep the versioning example's app"
    )
