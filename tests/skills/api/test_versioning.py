from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import pytest
from fastapi.testclient import TestClient

from skills.api.versioning import Customer, create_app, deprecation_headers

DEPRECATED = datetime(2025, 1, 1, tzinfo=UTC)
SUNSET = datetime(2025, 7, 1, tzinfo=UTC)
CUSTOMER = {"tenure_months": 3, "monthly_charges": 95.5}


def toy(customer: Customer) -> float:
    return round(1 - customer.tenure_months / 120, 3)


@pytest.fixture
def client() -> TestClient:
    headers = deprecation_headers(DEPRECATED, SUNSET, "/v2/predict")
    return TestClient(create_app(toy, "7", headers))


def test_the_headers_carry_the_dates_and_the_successor() -> None:
    headers = deprecation_headers(DEPRECATED, SUNSET, "/v2/predict")
    assert headers["Deprecation"] == "@1735689600"
    assert headers["Sunset"] == "Tue, 01 Jul 2025 00:00:00 GMT"
    assert parsedate_to_datetime(headers["Sunset"]) == SUNSET
    assert headers["Link"] == '</v2/predict>; rel="successor-version"'


def test_dates_without_a_timezone_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        deprecation_headers(DEPRECATED.replace(tzinfo=None), SUNSET, "/v2/predict")
    with pytest.raises(ValueError, match="timezone-aware"):
        deprecation_headers(DEPRECATED, SUNSET.replace(tzinfo=None), "/v2/predict")


@pytest.mark.parametrize("sunset", [DEPRECATED, datetime(2024, 1, 1, tzinfo=UTC)])
def test_a_sunset_not_after_the_deprecation_is_refused(sunset: datetime) -> None:
    with pytest.raises(ValueError, match="must come after 2025-01-01"):
        deprecation_headers(DEPRECATED, sunset, "/v2/predict")


def test_v1_keeps_its_contract_and_announces_its_end(client: TestClient) -> None:
    response = client.post("/v1/predict", json=CUSTOMER)
    assert response.status_code == 200
    assert response.json() == {"probability": 0.975}
    assert response.headers["Sunset"] == "Tue, 01 Jul 2025 00:00:00 GMT"
    assert response.headers["Deprecation"] == "@1735689600"


def test_v2_renames_the_field_and_names_the_model(client: TestClient) -> None:
    response = client.post("/v2/predict", json=CUSTOMER)
    assert response.status_code == 200
    assert response.json() == {"churn_probability": 0.975, "model_version": "7"}
    assert "Sunset" not in response.headers
    assert "Deprecation" not in response.headers


@pytest.mark.parametrize("path", ["/v1/predict", "/v2/predict"])
def test_both_versions_validate_the_same_request(client: TestClient, path: str) -> None:
    response = client.post(path, json=CUSTOMER | {"tenure_months": 121})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "tenure_months"]


def test_openapi_marks_only_v1_deprecated(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert document["info"]["version"] == "2"
    paths = document["paths"]
    assert paths["/v1/predict"]["post"]["deprecated"] is True
    assert "deprecated" not in paths["/v2/predict"]["post"]
    assert client.post("/predict", json=CUSTOMER).status_code == 404
