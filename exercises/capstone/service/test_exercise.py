"""Checks for the exercise of docs/capstone/service.md: a decision threshold."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from churn import serve
from churn.serve import LoadedModel

PROBABILITY = 0.6  # what the stand-in model answers for every customer
CUSTOMER = {
    "customer_id": "C0000042",
    "tenure_months": 3,
    "monthly_charges": 95.5,
    "support_calls": 4,
    "senior": False,
    "contract": "month-to-month",
    "payment_method": "electronic-check",
    "internet_service": "fiber",
    "region": "north",
}


class Fixed:
    """A stand-in model that scores every customer ``PROBABILITY``."""

    runtime = "a stand-in"

    def churn_probability(self, records: Sequence[dict[str, Any]]) -> np.ndarray:
        """The same probability for every record."""
        return np.full(len(records), PROBABILITY)


def loader() -> LoadedModel:
    """Serve the stand-in model as version 1."""
    return LoadedModel(Fixed(), "churn", "1", None, "f" * 64, "d" * 64)


@pytest.fixture(scope="module")
def client(exercise: ModuleType) -> Iterator[TestClient]:
    """A test client on the app of the file under check, its model loaded."""
    with TestClient(exercise.create_app(loader)) as made:
        yield made


def predict(client: TestClient, threshold: object = None) -> Any:
    """``POST /predict`` for the customer, with ``?threshold=`` when one is given."""
    params = {} if threshold is None else {"threshold": threshold}
    return client.post("/predict", json=CUSTOMER, params=params)


def route(client: TestClient) -> dict[str, Any]:
    """``POST /predict`` in the app's OpenAPI document."""
    return client.app.openapi()["paths"]["/predict"]["post"]


def bounds(schema: dict[str, Any]) -> tuple[object, object]:
    """The least and most values a schema allows, looking inside ``anyOf``."""
    for option in [schema, *schema.get("anyOf", [])]:
        if "minimum" in option or "maximum" in option:
            return option.get("minimum"), option.get("maximum")
    return None, None


def test_no_threshold_answers_as_before(client: TestClient) -> None:
    """Without a threshold, /predict answers as the service does."""
    response = predict(client)
    assert response.status_code == 200, (
        f"/predict without a threshold answered {response.status_code}: want 200"
    )
    with TestClient(serve.create_app(loader)) as plain:
        before = plain.post("/predict", json=CUSTOMER).json()
    body = response.json()
    changed = {k: body.get(k) for k in before if body.get(k) != before[k]}
    assert not changed, (
        f"without a threshold, the answer has {changed}, where the service says "
        f"{ {k: before[k] for k in changed} }: want the service's answer unchanged"
    )
    assert body.get("will_churn") is None, (
        f"without a threshold, will_churn is {body.get('will_churn')!r}: want it null "
        "(or left out): with no threshold there is no decision"
    )


@pytest.mark.parametrize("threshold", [0.5, 0.6, 0.7])
def test_the_threshold_decides(client: TestClient, threshold: float) -> None:
    """With a threshold, will_churn is true at or above it and false below."""
    response = predict(client, threshold)
    assert response.status_code == 200, (
        f"/predict?threshold={threshold} answered {response.status_code}: want 200"
    )
    body = response.json()
    want = threshold <= PROBABILITY
    assert body.get("will_churn") is want, (
        f"with a probability of {PROBABILITY} and threshold={threshold}, will_churn "
        f"is {body.get('will_churn')!r}: want {want}"
    )
    assert body.get("churn_probability") == PROBABILITY, (
        f"with a threshold the probability is {body.get('churn_probability')!r}: "
        f"want it still in the answer, {PROBABILITY}"
    )


@pytest.mark.parametrize("threshold", [0, 1])
def test_the_ends_are_allowed(client: TestClient, threshold: float) -> None:
    """A threshold of exactly 0 or 1 is accepted."""
    response = predict(client, threshold)
    assert response.status_code == 200, (
        f"/predict?threshold={threshold} answered {response.status_code}: "
        "want 200, both ends of 0 to 1 are thresholds"
    )
    want = bool(threshold == 0)  # the stand-in's 0.6 reaches 0, not 1
    found = response.json().get("will_churn")
    assert found is want, (
        f"with a probability of {PROBABILITY} and threshold={threshold}, will_churn "
        f"is {found!r}: want {want}"
    )


@pytest.mark.parametrize("threshold", [-0.1, 1.5, "high"])
def test_a_bad_threshold_is_refused(client: TestClient, threshold: object) -> None:
    """A threshold outside 0 to 1, or not a number, gets a 422 that names it."""
    response = predict(client, threshold)
    assert response.status_code == 422, (
        f"/predict?threshold={threshold} answered {response.status_code}: want 422"
    )
    named = [error["loc"] for error in response.json()["detail"]]
    assert ["query", "threshold"] in named, (
        f"the 422 names {named}: want it to name ['query', 'threshold']"
    )


def test_the_document_shows_the_threshold(client: TestClient) -> None:
    """The OpenAPI document shows threshold as an optional query parameter, 0 to 1."""
    parameters = {p["name"]: p for p in route(client).get("parameters", [])}
    has = ", ".join(sorted(parameters)) or "none"
    assert "threshold" in parameters, (
        f"the parameters of /predict in the OpenAPI document are {has}: want "
        "threshold, so /docs shows it"
    )
    found = parameters["threshold"]
    assert (found["in"], found.get("required", False)) == ("query", False), (
        f"threshold is a required={found.get('required', False)} {found['in']} "
        "parameter: want an optional query parameter"
    )
    assert bounds(found["schema"]) == (0, 1), (
        f"in the document threshold runs from {bounds(found['schema'])[0]} to "
        f"{bounds(found['schema'])[1]}: want 0 to 1, from Query(ge=0, le=1)"
    )


def test_the_document_shows_will_churn(client: TestClient) -> None:
    """The OpenAPI document shows will_churn in the answer."""
    document = client.app.openapi()
    answer = route(client)["responses"]["200"]["content"]["application/json"]
    name = answer["schema"].get("$ref", "").rsplit("/", 1)[-1]
    fields = document["components"]["schemas"].get(name, {}).get("properties", {})
    assert "will_churn" in fields, (
        f"the answer of /predict has the fields {sorted(fields)} in the document: "
        "want will_churn too"
    )
    types = {fields["will_churn"].get("type")} | {
        option.get("type") for option in fields["will_churn"].get("anyOf", [])
    }
    assert "boolean" in types, (
        f"will_churn has the types {sorted(t for t in types if t)}: want a boolean"
    )


def test_the_errors_are_still_documented(client: TestClient) -> None:
    """/predict still documents every error the service answers."""
    found = set(route(client)["responses"])
    want = {"200", "400", "408", "413", "422", "503"}
    assert want <= found, (
        f"/predict documents {sorted(found)}: want at least {sorted(want)}, as the "
        "service's own /predict does"
    )
