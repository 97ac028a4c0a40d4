"""Property-based tests of the churn service: nothing a client sends gives a 5xx."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from churn.data import CONTRACTS, ID, INTERNET_SERVICES, PAYMENT_METHODS, REGIONS
from churn.serve import LoadedModel, create_app

# deadline=None: one request's time depends on the machine's load, not on the input.
CASES = settings(max_examples=100, deadline=None)
ROUTES = st.sampled_from(["/predict", "/predict/batch"])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner)
    ),
    max_leaves=12,
)

VALID = {
    ID: st.from_regex(r"C[0-9]{7}", fullmatch=True),
    "tenure_months": st.integers(0, 120),
    "monthly_charges": st.floats(0.0, 500.0) | st.integers(0, 500),
    "support_calls": st.integers(0, 100),
    "senior": st.booleans(),
    "contract": st.sampled_from(CONTRACTS),
    "payment_method": st.sampled_from(PAYMENT_METHODS),
    "internet_service": st.sampled_from(INTERNET_SERVICES),
    "region": st.sampled_from(REGIONS),
}
FEATURES_ONLY = {name: values for name, values in VALID.items() if name != ID}

valid_customers = st.fixed_dictionaries(FEATURES_ONLY, optional={ID: VALID[ID]})
# Near misses: each field may be absent, valid, or any JSON value at all.
customer_like = st.fixed_dictionaries(
    {}, optional={name: values | json_values for name, values in VALID.items()}
) | st.dictionaries(st.sampled_from([*VALID, "extra"]), json_values)


@pytest.fixture(scope="module")
def client(served: LoadedModel) -> Iterator[TestClient]:
    with TestClient(create_app(lambda: served)) as client:
        yield client


def post(client: TestClient, route: str, body: Any) -> Any:
    """Post JSON as Python writes it: NaN and Infinity included."""
    headers = {"content-type": "application/json"}
    return client.post(route, content=json.dumps(body), headers=headers)


def as_body(route: str, customer: Any) -> Any:
    return customer if route == "/predict" else {"records": [customer]}


# --8<-- [start:properties]
@CASES
@given(body=json_values, route=ROUTES)
def test_any_json_body_gets_a_client_error_not_a_server_error(
    client: TestClient, body: Any, route: str
) -> None:
    response = post(client, route, body)
    assert response.status_code < 500, response.text
    if response.status_code == 422:
        assert all(error["loc"][0] == "body" for error in response.json()["detail"])


# --8<-- [end:properties]


@CASES
@given(body=st.binary(max_size=40), route=ROUTES)
def test_any_bytes_get_a_client_error(
    client: TestClient, body: bytes, route: str
) -> None:
    headers = {"content-type": "application/json"}
    response = client.post(route, content=body, headers=headers)
    assert 400 <= response.status_code < 500


@CASES
@given(customer=customer_like, route=ROUTES)
def test_a_customer_like_body_is_scored_or_refused_with_422(
    client: TestClient, customer: dict[str, Any], route: str
) -> None:
    response = post(client, route, as_body(route, customer))
    assert response.status_code in {200, 422}, response.text
    if response.status_code == 422:
        assert all(len(error["loc"]) >= 2 for error in response.json()["detail"])


@settings(CASES, max_examples=50)  # each of these runs the model: the slow path
@given(customer=valid_customers, route=ROUTES)
def test_every_customer_within_the_contract_is_scored(
    client: TestClient, customer: dict[str, Any], route: str
) -> None:
    response = post(client, route, as_body(route, customer))
    assert response.status_code == 200, response.text
    body = response.json()
    prediction = body if route == "/predict" else body["predictions"][0]
    assert 0.0 <= prediction["churn_probability"] <= 1.0
    assert prediction["customer_id"] == customer.get(ID)
