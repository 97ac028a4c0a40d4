"""The churn service: predictions, validation, probes, metadata, metrics and reloads."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import json
import logging
import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sklearn.pipeline import Pipeline

from churn.artifacts import sha256
from churn.config import Config
from churn.data import FEATURE_COLUMNS, ID, ID_COLUMN
from churn.export import TOLERANCE, to_onnx
from churn.features import FEATURES
from churn.runtime import OnnxScorer, PipelineScorer, Scorer
from churn.serve import (
    Customer,
    LoadedModel,
    ModelLoadError,
    _for_callers,
    _Observe,
    _score_current,
    create_app,
    file_loader,
)
from churn.train import build_pipeline
from tests.paths import DOCS

MISSING = object()  # marks a field to delete from a request
TOKEN = "test-admin-token"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}


@cache
def exported(model: Pipeline) -> OnnxScorer:
    """The model's ONNX export, converted once per model object."""
    return OnnxScorer(to_onnx(model))


def loaded(model: Pipeline, version: str = "1") -> LoadedModel:
    """A model served as a champion is, through ONNX, with made-up lineage."""
    return LoadedModel(
        exported(model), "churn", version, "champion", "f" * 64, "d" * 64, "a test"
    )


def fixed(model: Pipeline, version: str = "1") -> Callable[[], LoadedModel]:
    return lambda: loaded(model, version)


def with_scorer(served: LoadedModel, scorer: Any) -> LoadedModel:
    """The same loaded model, scoring through another scorer."""
    return dataclasses.replace(served, scorer=scorer)


@pytest.fixture
def client(model: Pipeline) -> Iterator[TestClient]:
    """A fresh app, with fresh metrics, serving the session model as version 1."""
    with TestClient(create_app(fixed(model))) as client:
        yield client


@pytest.fixture(scope="module")
def rows(test_frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Twenty held-out customers as JSON-ready request bodies."""
    return test_frame.head(20)[[ID, *FEATURES]].to_dict(orient="records")


@pytest.fixture(scope="module")
def expected(model: Pipeline, test_frame: pd.DataFrame) -> list[float]:
    """What the model itself says about the same twenty customers."""
    return model.predict_proba(test_frame.head(20)[FEATURES])[:, 1].tolist()


def post_raw(client: TestClient, url: str, body: Any) -> Any:
    """Post JSON as Python writes it, NaN and Infinity included (httpx refuses)."""
    headers = {"content-type": "application/json"}
    return client.post(url, content=json.dumps(body), headers=headers)


def metric(text: str, name: str, **labels: str) -> float | None:
    """The value of one sample in Prometheus text, or None if it is absent."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return None


# Predictions


def test_predict_returns_the_models_probability(
    client: TestClient, rows: list[dict[str, Any]], expected: list[float]
) -> None:
    for row, probability in zip(rows[:3], expected[:3], strict=True):
        response = client.post("/predict", json=row)
        assert response.status_code == 200
        assert response.json() == {
            "customer_id": row[ID],
            "churn_probability": pytest.approx(probability, abs=TOLERANCE),
            "model_version": "1",
        }


def test_predict_batch_returns_one_probability_per_record_in_order(
    client: TestClient, rows: list[dict[str, Any]], expected: list[float]
) -> None:
    response = client.post("/predict/batch", json={"records": rows})
    assert response.status_code == 200
    predictions = response.json()["predictions"]
    assert [p["customer_id"] for p in predictions] == [row[ID] for row in rows]
    probabilities = [p["churn_probability"] for p in predictions]
    assert probabilities == pytest.approx(expected, abs=TOLERANCE)
    assert all(0.0 <= p <= 1.0 for p in probabilities)
    assert {p["model_version"] for p in predictions} == {"1"}


def test_customer_id_is_optional(
    client: TestClient, rows: list[dict[str, Any]]
) -> None:
    row = {k: v for k, v in rows[0].items() if k != ID}
    response = client.post("/predict", json=row)
    assert response.status_code == 200
    assert response.json()["customer_id"] is None


def test_a_whole_number_is_accepted_for_monthly_charges(
    client: TestClient, rows: list[dict[str, Any]]
) -> None:
    response = client.post("/predict", json=rows[0] | {"monthly_charges": 80})
    assert response.status_code == 200


# Validation: every bad request is a 422 that says which field and why


# --8<-- [start:validation]
CUSTOMER_ERRORS = [
    ("tenure_months", MISSING, "missing"),
    ("monthly_charges", "abc", "float_type"),
    ("tenure_months", "12", "int_type"),  # strict: a numeric string is not a number
    ("tenure_months", 121, "less_than_equal"),
    ("tenure_months", -1, "greater_than_equal"),
    ("tenure_months", 12.5, "int_type"),
    ("senior", 1, "bool_type"),
    ("contract", "weekly", "literal_error"),
    ("region", "North", "literal_error"),
    ("customer_id", "X123", "string_pattern_mismatch"),
    ("age", 40, "extra_forbidden"),
    ("monthly_charges", float("nan"), "finite_number"),
    ("monthly_charges", float("inf"), "finite_number"),
]


def with_field(row: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    changed = {k: v for k, v in row.items() if k != field}
    return changed if value is MISSING else changed | {field: value}


@pytest.mark.parametrize(("field", "value", "error"), CUSTOMER_ERRORS)
def test_a_bad_customer_gets_422_naming_the_field(
    client: TestClient, rows: list[dict[str, Any]], field: str, value: Any, error: str
) -> None:
    response = post_raw(client, "/predict", with_field(rows[0], field, value))
    assert response.status_code == 422
    (only,) = response.json()["detail"]
    assert (only["loc"], only["type"]) == (["body", field], error)
    assert only["msg"]


# --8<-- [end:validation]


@pytest.mark.parametrize(("field", "value", "error"), CUSTOMER_ERRORS[:4])
def test_a_bad_record_in_a_batch_is_located_by_index(
    client: TestClient, rows: list[dict[str, Any]], field: str, value: Any, error: str
) -> None:
    records = [*rows[:2], with_field(rows[2], field, value)]
    response = post_raw(client, "/predict/batch", {"records": records})
    assert response.status_code == 422
    (only,) = response.json()["detail"]
    assert (only["loc"], only["type"]) == (["body", "records", 2, field], error)


@pytest.mark.parametrize(
    ("size", "error"), [(0, "too_short"), (1001, "too_long")], ids=["empty", "1001"]
)
def test_a_batch_must_hold_1_to_1000_records(
    client: TestClient, rows: list[dict[str, Any]], size: int, error: str
) -> None:
    records = list(itertools.islice(itertools.cycle(rows), size))
    response = client.post("/predict/batch", json={"records": records})
    assert response.status_code == 422
    (only,) = response.json()["detail"]
    assert (only["loc"], only["type"]) == (["body", "records"], error)


def test_a_batch_of_exactly_1000_records_is_scored(
    client: TestClient, rows: list[dict[str, Any]]
) -> None:
    records = list(itertools.islice(itertools.cycle(rows), 1000))
    response = client.post("/predict/batch", json={"records": records})
    assert response.status_code == 200
    assert len(response.json()["predictions"]) == 1000


def test_a_batch_without_records_or_with_extra_keys_gets_422(
    client: TestClient, rows: list[dict[str, Any]]
) -> None:
    response = client.post("/predict/batch", json={"rows": rows[:1]})
    locs = [error["loc"] for error in response.json()["detail"]]
    assert response.status_code == 422
    assert sorted(locs) == [["body", "records"], ["body", "rows"]]


@pytest.mark.parametrize("url", ["/predict", "/predict/batch"])
def test_malformed_json_gets_422_with_the_position(
    client: TestClient, url: str
) -> None:
    response = client.post(
        url,
        content=b'{"tenure_months": 3,',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422
    (only,) = response.json()["detail"]
    assert only["type"] == "json_invalid"
    assert only["loc"] == ["body", 20]


def test_a_body_that_is_not_an_object_gets_422(client: TestClient) -> None:
    response = client.post("/predict", json=[1, 2])
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]


# Probes, metadata, documentation


def test_health_and_ready_when_a_model_is_loaded(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    response = client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "model_version": "1"}


def test_metadata_names_the_model_and_its_lineage(client: TestClient) -> None:
    response = client.get("/metadata")
    assert response.status_code == 200
    assert response.json() == {
        "name": "churn",
        "version": "1",
        "alias": "champion",
        "sha256": "f" * 64,
        "data_hash": "d" * 64,
        "features": FEATURES,
        "runtime": "onnxruntime",
        "runtime_note": "a test",
    }


def test_openapi_documents_each_field_with_an_example_that_works(
    client: TestClient,
) -> None:
    schema = client.get("/openapi.json").json()["components"]["schemas"]["Customer"]
    assert all(spec.get("description") for spec in schema["properties"].values())
    assert schema["properties"]["contract"]["enum"] == [
        "month-to-month",
        "one-year",
        "two-year",
    ]
    assert schema["additionalProperties"] is False
    (example,) = schema["examples"]
    assert client.post("/predict", json=example).status_code == 200


def test_the_api_page_lists_the_status_codes_predict_documents(
    client: TestClient,
) -> None:
    """The status table on skills/api-development names the codes churn gives."""
    page = (DOCS / "skills" / "api-development.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\d{3})` \|.*\| ([^|]+) \|$", page, flags=re.MULTILINE)
    assert rows, "the status table on skills/api-development.md was not found"
    by_churn = {code for code, who in rows if who == "The churn service"}
    responses = client.get("/openapi.json").json()["paths"]["/predict"]["post"]
    assert by_churn == set(responses["responses"])


def test_the_schema_mirrors_the_data_contract() -> None:
    properties = Customer.model_json_schema()["properties"]
    assert set(properties) == {ID, *FEATURE_COLUMNS}
    assert (
        properties[ID]["anyOf"][0]["pattern"]
        == (ID_COLUMN.checks[0].statistics["pattern"])
    )
    for column, spec in FEATURE_COLUMNS.items():
        for check in spec.checks:
            stats = check.statistics
            if check.name == "in_range":
                bounds = (properties[column]["minimum"], properties[column]["maximum"])
                assert bounds == (stats["min_value"], stats["max_value"]), column
            else:
                assert tuple(properties[column]["enum"]) == stats["allowed_values"]


# Request IDs, logs, metrics


def test_a_sane_request_id_is_echoed_and_others_replaced(client: TestClient) -> None:
    echoed = client.get("/health", headers={"X-Request-ID": "abc-1.2_3"})
    assert echoed.headers["X-Request-ID"] == "abc-1.2_3"
    for bad in ["", "has spaces", "x" * 65, "a\tb"]:
        response = client.get("/health", headers={"X-Request-ID": bad})
        generated = response.headers["X-Request-ID"]
        assert generated != bad
        assert len(generated) == 32
        int(generated, 16)  # a UUID in hex, or this raises
    generated = {client.get("/health").headers["X-Request-ID"] for _ in range(3)}
    assert len(generated) == 3


def test_each_request_is_logged_once_as_key_value_pairs(
    client: TestClient, rows: list[dict[str, Any]], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="churn.serve")
    client.post("/predict", json=rows[0], headers={"X-Request-ID": "req-42"})
    (line,) = [r.getMessage() for r in caplog.records if "req-42" in r.getMessage()]
    assert line.startswith("request_id=req-42 method=POST route=/predict status=200")
    assert "duration_ms=" in line


def test_no_value_a_customer_sent_reaches_the_logs(
    client: TestClient, rows: list[dict[str, Any]], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, every level
    row = rows[0]
    client.post("/predict", json=row)
    client.post("/predict", json=row | {"monthly_charges": -123.45})  # refused, 422
    client.post("/predict/batch", json={"records": rows[:3]})
    sent = {str(row["customer_id"]), "-123.45"} | {
        str(r["customer_id"]) for r in rows[:3]
    }
    logged = caplog.text
    assert logged  # the requests were logged
    assert not [value for value in sent if value in logged]


def test_metrics_count_requests_by_route_template_and_predictions(
    client: TestClient, rows: list[dict[str, Any]]
) -> None:
    client.post("/predict", json=rows[0])
    client.post("/predict", json=rows[1])
    client.post("/predict", json={})
    client.post("/predict/batch", json={"records": rows[:3]})
    client.get("/customers/C0000001")
    client.request("BREW", "/health")
    response = client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    requests = "http_requests_total"
    assert metric(text, requests, route="/predict", method="POST", status="200") == 2
    assert metric(text, requests, route="/predict", method="POST", status="422") == 1
    assert metric(text, requests, route="unmatched", method="GET", status="404") == 1
    assert metric(text, requests, route="/health", method="other", status="405") == 1
    assert "C0000001" not in text  # raw paths never become labels
    latency = "http_request_duration_seconds_count"
    assert metric(text, latency, route="/predict", method="POST", status="200") == 2
    batch = {"route": "/predict/batch", "method": "POST", "status": "200"}
    buckets = "http_request_duration_seconds_bucket"
    assert metric(text, buckets, **batch, le="+Inf") == 1
    assert metric(text, buckets, **batch, le="0.001") is not None
    assert metric(text, "churn_predictions_total") == 5
    assert metric(text, "churn_prediction_probability_count") == 5
    assert metric(text, "churn_prediction_probability_bucket", le="1.0") == 5
    assert metric(text, "churn_model_info", version="1") == 1


def test_each_app_has_its_own_metrics(client: TestClient, model: Pipeline) -> None:
    client.get("/health")
    with TestClient(create_app(fixed(model, "2"))) as other:
        text = other.get("/metrics").text
    labels = {"route": "/health", "method": "GET", "status": "200"}
    assert metric(text, "http_requests_total", **labels) is None
    assert metric(text, "churn_model_info", version="1") is None
    assert metric(client.get("/metrics").text, "http_requests_total", **labels) == 1


def test_an_unfitted_model_is_refused_at_load() -> None:
    unfitted = build_pipeline(Config())

    def load() -> LoadedModel:
        scorer = PipelineScorer(unfitted)
        return LoadedModel(scorer, "churn", "1", None, "f" * 64, "d" * 64)

    with TestClient(create_app(load)) as client:
        response = client.get("/ready")
    assert response.status_code == 503
    assert response.json()["reason"].startswith("NotFittedError: This Pipeline")


def test_a_failing_model_gives_500_counted_and_logged(
    model: Pipeline, rows: list[dict[str, Any]], caplog: pytest.LogCaptureFixture
) -> None:
    class Broken:
        runtime = "broken"

        def churn_probability(self, records: Any) -> Any:
            raise RuntimeError("the scorer broke")

    def failing() -> LoadedModel:
        return with_scorer(loaded(model), Broken())

    with TestClient(create_app(failing)) as client:
        response = client.post("/predict", json=rows[0], headers={"X-Request-ID": "r1"})
        text = client.get("/metrics").text
    assert response.status_code == 500
    assert response.json() == {"detail": "internal error"}
    assert response.headers["X-Request-ID"] == "r1"
    labels = {"route": "/predict", "method": "POST", "status": "500"}
    assert metric(text, "http_requests_total", **labels) == 1
    (error,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert error.getMessage() == "event=unhandled_error request_id=r1"
    assert error.exc_info is not None


# Loading from a file, and failing to


def test_a_model_file_is_loaded_and_served(
    model_file: tuple[Path, str], rows: list[dict[str, Any]], expected: list[float]
) -> None:
    path, digest = model_file
    app = create_app(file_loader(path, digest, version="7", data_hash="abc"))
    with TestClient(app) as client:
        assert client.get("/ready").json()["model_version"] == "7"
        meta = client.get("/metadata").json()
        prediction = client.post("/predict", json=rows[0]).json()
    assert (meta["sha256"], meta["data_hash"], meta["alias"]) == (digest, "abc", None)
    assert prediction["churn_probability"] == pytest.approx(expected[0], abs=1e-12)
    # Milliseconds a call: scored in a thread, never on the event loop's batcher.
    assert meta["runtime"] == "scikit-learn"
    assert app.state.batcher.calls == 0


def assert_not_ready(app: Any, reason: str, row: dict[str, Any]) -> None:
    """The app is alive, not ready, and every model route answers 503 with why."""
    with TestClient(app) as client:
        assert client.get("/health").status_code == 200
        ready = client.get("/ready")
        assert ready.status_code == 503
        assert ready.json()["status"] == "not ready"
        assert reason in ready.json()["reason"]
        for response in [
            client.post("/predict", json=row),
            client.post("/predict/batch", json={"records": [row]}),
            client.get("/metadata"),
        ]:
            assert response.status_code == 503
            assert reason in response.json()["detail"]
        assert metric(client.get("/metrics").text, "churn_predictions_total") == 0


def test_a_missing_file_leaves_the_app_up_but_not_ready(
    tmp_path: Path, model_file: tuple[Path, str], rows: list[dict[str, Any]]
) -> None:
    missing = tmp_path / "gone.skops"
    app = create_app(file_loader(missing, model_file[1]))
    assert_not_ready(app, "model file not found: gone.skops", rows[0])


def test_a_tampered_file_is_refused(
    tmp_path: Path, model_file: tuple[Path, str], rows: list[dict[str, Any]]
) -> None:
    path, digest = model_file
    tampered = tmp_path / "model.skops"
    tampered.write_bytes(path.read_bytes() + b"\0")
    app = create_app(file_loader(tampered, digest))
    assert_not_ready(app, "ArtifactError: model.skops: SHA-256 is", rows[0])


def test_callers_read_no_server_path_and_the_log_keeps_it(
    tmp_path: Path,
    model_file: tuple[Path, str],
    rows: list[dict[str, Any]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    missing = tmp_path / "models" / "gone.skops"
    app = create_app(file_loader(missing, model_file[1]), admin_token=TOKEN)
    with TestClient(app) as client:
        bodies = [
            client.get("/ready").text,
            client.post("/predict", json=rows[0]).text,
            client.post("/admin/reload", headers=ADMIN).text,
        ]
    assert all("gone.skops" in body for body in bodies)
    assert not any(str(tmp_path) in body for body in bodies)
    logged = [r.getMessage() for r in caplog.records if "model_load_failed" in r.msg]
    assert logged
    assert all(str(missing) in line for line in logged)


@pytest.mark.parametrize(
    ("reason", "shown"),
    [
        (
            "no registry at /srv/models: it has no mlflow.db",
            "no registry at models: it has no mlflow.db",
        ),
        (
            "cannot open the registry at /srv/r: unable to open\n[SQL: SELECT 1]",
            "cannot open the registry at r: unable to open",
        ),
        ("see https://example.com/a/b", "see https://example.com/a/b"),
        ("'../../x.skops' is outside", "'../../x.skops' is outside"),
        ("", ""),
    ],
)
def test_a_reason_for_callers_is_one_line_without_paths(reason: str, shown: str):
    assert _for_callers(reason) == shown


def test_a_corrupt_file_with_the_recorded_hash_is_refused(
    tmp_path: Path, rows: list[dict[str, Any]]
) -> None:
    corrupt = tmp_path / "model.skops"
    corrupt.write_bytes(b"not a model")
    app = create_app(file_loader(corrupt, sha256(corrupt)))
    assert_not_ready(app, "BadZipFile: File is not a zip file", rows[0])


def wait_for_load(client: TestClient) -> Any:
    """Poll /ready until the background load is over; bounded, not a measurement."""
    for _ in range(6000):
        ready = client.get("/ready")
        if ready.json().get("reason") != "loading the model":
            return ready
        threading.Event().wait(0.01)
    pytest.fail("the model never finished loading")


def test_in_the_background_health_answers_while_the_model_loads(
    model: Pipeline, rows: list[dict[str, Any]]
) -> None:
    release = threading.Event()

    def slow() -> LoadedModel:
        release.wait(timeout=60)  # a guard against a hung test, not a check
        return loaded(model)

    app = create_app(slow, load_in_background=True)
    with TestClient(app) as client:
        assert client.get("/health").json() == {"status": "ok"}
        loading = client.get("/ready")
        refused = client.post("/predict", json=rows[0])
        release.set()
        ready = wait_for_load(client)
        scored = client.post("/predict", json=rows[0])
    assert loading.status_code == 503
    assert loading.json() == {"status": "not ready", "reason": "loading the model"}
    assert (refused.status_code, refused.json()["detail"]) == (503, "loading the model")
    assert ready.json() == {"status": "ready", "model_version": "1"}
    assert scored.status_code == 200


def test_a_background_load_that_fails_leaves_the_app_up_and_says_why(
    tmp_path: Path, model_file: tuple[Path, str]
) -> None:
    app = create_app(
        file_loader(tmp_path / "gone.skops", model_file[1]), load_in_background=True
    )
    with TestClient(app) as client:
        ready = wait_for_load(client)
        assert client.get("/health").status_code == 200
    assert ready.status_code == 503
    assert ready.json()["reason"] == "model file not found: gone.skops"


def test_no_model_is_loaded_before_startup(model: Pipeline) -> None:
    app = create_app(fixed(model))
    client = TestClient(app)  # not entered: the startup hook has not run
    response = client.get("/ready")
    assert response.status_code == 503
    assert response.json()["reason"] == "model not loaded yet"


# Reloads


class Versions:
    """A loader that serves versions 1, 2, ... and can be made to fail."""

    def __init__(self, model: Any, fail: bool = False) -> None:
        self.model = model
        self.fail = fail
        self.count = itertools.count(1)

    def __call__(self) -> LoadedModel:
        """Load the next version, or raise as an unreachable registry would."""
        if self.fail:
            raise OSError("registry unreachable")
        return loaded(self.model, str(next(self.count)))


def test_reload_swaps_to_the_new_version(
    model: Pipeline, rows: list[dict[str, Any]]
) -> None:
    with TestClient(create_app(Versions(model), TOKEN)) as client:
        assert client.post("/predict", json=rows[0]).json()["model_version"] == "1"
        response = client.post("/admin/reload", headers=ADMIN)
        assert response.status_code == 200
        assert response.json() == {"status": "reloaded", "model_version": "2"}
        assert client.post("/predict", json=rows[0]).json()["model_version"] == "2"
        assert client.get("/ready").json()["model_version"] == "2"
        text = client.get("/metrics").text
    assert metric(text, "churn_model_info", version="2") == 1
    assert metric(text, "churn_model_info", version="1") is None


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": TOKEN}, 401),  # no scheme
        ({"Authorization": "Bearer wrong-token"}, 401),
        ({"Authorization": f"Basic {TOKEN}"}, 401),
    ],
    ids=["no header", "no scheme", "wrong token", "other scheme"],
)
def test_reload_without_the_token_is_refused_and_changes_nothing(
    model: Pipeline, headers: dict[str, str], status: int
) -> None:
    loader = Versions(model)
    with TestClient(create_app(loader, TOKEN)) as client:
        response = client.post("/admin/reload", headers=headers)
        assert response.status_code == status
        assert response.headers["www-authenticate"] == "Bearer"
        assert "Authorization: Bearer <token>" in response.json()["detail"]
        assert client.get("/ready").json()["model_version"] == "1"
    assert next(loader.count) == 2  # loaded once, at start-up


@pytest.mark.parametrize("token", [None, ""], ids=["none", "empty"])
def test_without_a_token_reloads_over_http_are_off(
    model: Pipeline, token: str | None
) -> None:
    with TestClient(create_app(Versions(model), token)) as client:
        response = client.post("/admin/reload", headers={"Authorization": "Bearer "})
    assert response.status_code == 403
    assert response.json() == {"detail": "admin routes are off: set CHURN_ADMIN_TOKEN"}


def test_a_failed_reload_keeps_serving_the_old_model(
    model: Pipeline, rows: list[dict[str, Any]]
) -> None:
    loader = Versions(model)
    with TestClient(create_app(loader, TOKEN)) as client:
        loader.fail = True
        response = client.post("/admin/reload", headers=ADMIN)
        assert response.status_code == 503
        assert response.json() == {
            "detail": "OSError: registry unreachable",
            "model_version": "1",
        }
        assert client.get("/ready").status_code == 200
        assert client.post("/predict", json=rows[0]).json()["model_version"] == "1"
        text = client.get("/metrics").text
    assert metric(text, "churn_model_info", version="1") == 1
    assert metric(text, "churn_model_load_failures_total") == 1


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "Bearer"])
def test_the_bearer_scheme_is_case_insensitive_and_the_token_is_not(
    model: Pipeline, scheme: str
) -> None:
    with TestClient(create_app(Versions(model), TOKEN)) as client:
        right = client.post(
            "/admin/reload", headers={"Authorization": f"{scheme} {TOKEN}"}
        )
        shouted = client.post(
            "/admin/reload", headers={"Authorization": f"{scheme} {TOKEN.upper()}"}
        )
    assert right.status_code == 200
    assert shouted.status_code == 401


def test_a_reload_can_bring_up_an_app_that_started_without_a_model(
    model: Pipeline,
) -> None:
    loader = Versions(model, fail=True)
    app = create_app(loader, TOKEN)
    with TestClient(app) as client:
        assert client.get("/ready").json()["reason"] == "OSError: registry unreachable"
        failed = client.post("/admin/reload", headers=ADMIN)
        assert failed.status_code == 503
        assert failed.json()["model_version"] is None
        loader.fail = False
        assert app.state.model_holder.reload().version == "1"  # what a CLI would call
        assert client.get("/ready").status_code == 200


class Paused:
    """Wraps a scorer; each prediction waits until the test releases it."""

    def __init__(self, scorer: Scorer) -> None:
        self.scorer = scorer
        self.runtime = scorer.runtime
        self.entered = threading.Event()
        self.release = threading.Event()

    def churn_probability(self, records: Any) -> Any:
        """Signal that a prediction started, wait for release, then predict."""
        self.entered.set()
        self.release.wait(timeout=60)  # a guard against a hung test, not a check
        return self.scorer.churn_probability(records)


def test_a_request_in_flight_finishes_on_the_model_it_started_with(
    model: Pipeline, rows: list[dict[str, Any]]
) -> None:
    first = loaded(model, "1")
    paused = Paused(first.scorer)
    models = iter([with_scorer(first, paused), loaded(model, "2")])
    app = create_app(lambda: next(models))
    with TestClient(app) as client, ThreadPoolExecutor(1) as pool:
        in_flight = pool.submit(client.post, "/predict", json=rows[0])
        paused.entered.wait(timeout=60)
        try:
            # What a reload does, from another thread, while the batch is scored.
            reloaded = app.state.model_holder.reload()
        finally:
            paused.release.set()
        response = in_flight.result()
        after = client.post("/predict", json=rows[0]).json()
    assert reloaded.version == after["model_version"] == "2"
    assert response.status_code == 200
    assert response.json()["model_version"] == "1"


def test_requests_during_reloads_all_succeed(
    model: Pipeline, rows: list[dict[str, Any]]
) -> None:
    app = create_app(Versions(model), TOKEN)
    with TestClient(app) as client, ThreadPoolExecutor(4) as pool:
        futures = [
            pool.submit(client.post, "/predict", json=rows[i % len(rows)])
            for i in range(40)
        ]
        reloads = [client.post("/admin/reload", headers=ADMIN) for _ in range(5)]
        responses = [future.result() for future in futures]
    assert [r.status_code for r in reloads] == [200] * 5
    assert [r.status_code for r in responses] == [200] * 40
    versions = {r.json()["model_version"] for r in responses}
    assert versions <= {str(v) for v in range(1, 7)}


def test_a_batch_without_a_model_fails_with_the_reason() -> None:
    # Requests never get this far (they get 503 first); the guard is for callers
    # of the scoring function itself.
    app = create_app(fixed(build_pipeline(Config())))
    with pytest.raises(ModelLoadError, match="model not loaded yet"):
        _score_current(app)([])


def test_an_error_after_the_answer_started_is_raised_not_answered_twice(
    model: Pipeline, caplog: pytest.LogCaptureFixture
) -> None:
    sent: list[dict[str, Any]] = []

    async def streams_then_fails(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        raise RuntimeError("failed mid-answer")

    async def record(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    app = create_app(fixed(model))
    scope = {"type": "http", "method": "GET", "path": "/", "headers": [], "app": app}
    with pytest.raises(RuntimeError, match="failed mid-answer"):
        asyncio.run(_Observe(streams_then_fails)(scope, receive, record))
    assert [message["status"] for message in sent] == [200]  # one start, no 500
    assert "event=unhandled_error" in caplog.text


def test_fastapis_own_pages_are_counted_under_their_route(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    assert client.get("/no-such-page").status_code == 404
    metrics = client.get("/metrics").text
    assert 'route="/docs",status="200"' in metrics
    assert 'route="unmatched",status="404"' in metrics


def test_a_whole_number_written_as_a_float_is_an_integer(
    client: TestClient, rows: list[dict[str, Any]]
) -> None:
    """JSON Schema's ``integer``, which the OpenAPI publishes, includes 84.0."""
    as_float = rows[0] | {"tenure_months": float(rows[0]["tenure_months"])}
    assert client.post("/predict", json=as_float).status_code == 200
    for wrong in (84.5, True, "84"):
        response = client.post("/predict", json=rows[0] | {"tenure_months": wrong})
        assert response.status_code == 422, wrong
        assert response.json()["detail"][0]["loc"] == ["body", "tenure_months"]


@pytest.mark.parametrize(
    "digits",
    [
        "\u0660\u0661\u0662\u0663\u0664\u0665\u0666",
        "\uff10\uff11\uff12\uff13\uff14\uff15\uff16",
    ],
    ids=["arabic", "full-width"],
)
def test_a_customer_id_takes_ascii_digits_only(
    client: TestClient, rows: list[dict[str, Any]], digits: str
) -> None:
    response = client.post("/predict", json=rows[0] | {"customer_id": f"C{digits}"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "string_pattern_mismatch"


def test_a_body_nested_too_deeply_gets_the_documented_400(client: TestClient) -> None:
    response = client.post(
        "/predict", content=b"[" * 100_000, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    documented = client.get("/openapi.json").json()["paths"]["/predict"]["post"]
    assert "400" in documented["responses"]
