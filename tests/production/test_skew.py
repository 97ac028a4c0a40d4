from collections.abc import Iterator
from pathlib import Path

import httpx2
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sklearn.pipeline import Pipeline

from churn.artifacts import save_model
from churn.config import Config
from churn.data import TARGET, generate
from churn.serve import create_app, file_loader
from churn.train import train
from production.skew import batch_scores, check_skew, compare_scores, service_scores


@pytest.fixture(scope="module")
def model() -> Pipeline:
    config = Config(n_rows=1_000)
    return train(generate(config.n_rows, seed=1), config)


@pytest.fixture(scope="module")
def client(
    model: Pipeline, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    path = tmp_path_factory.mktemp("model") / "model.skops"
    app = create_app(file_loader(Path(path), save_model(model, path), version="1"))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    """More rows than one batch request may hold, so the client sends two."""
    return generate(1_200, seed=5).drop(columns=TARGET)


def batch_requests(client: TestClient) -> float:
    families = text_string_to_metric_families(client.get("/metrics").text)
    return sum(
        sample.value
        for family in families
        for sample in family.samples
        if sample.name == "http_requests_total"
        and sample.labels["route"] == "/predict/batch"
    )


def test_service_and_batch_agree_on_every_record(client, model, customers):
    before = batch_requests(client)
    report = check_skew(client, model, customers)
    assert batch_requests(client) - before == 2  # 1,000 + 200 records
    assert report.ok
    assert report.rows == 1_200
    assert report.mismatches == 0
    assert report.max_abs_diff <= 1e-9
    assert report.worst == ()


def test_a_caller_that_rounds_a_feature_is_caught(client, model, customers):
    rounded = customers.assign(monthly_charges=customers["monthly_charges"].round())
    report = compare_scores(
        service_scores(client, rounded), batch_scores(model, customers)
    )
    changed = set(
        customers.loc[
            rounded["monthly_charges"] != customers["monthly_charges"], "customer_id"
        ]
    )
    assert not report.ok
    assert 0 < report.mismatches <= len(changed)
    assert set(report.worst) <= changed
    assert len(report.worst) == 5
    assert report.max_abs_diff > 1e-3


def test_service_scores_are_indexed_by_customer(client, model, customers):
    sample = customers.iloc[:3]
    scores = service_scores(client, sample)
    assert scores.index.tolist() == sample["customer_id"].tolist()
    expected = model.predict_proba(sample.drop(columns="customer_id"))[:, 1]
    assert scores.tolist() == pytest.approx(expected.tolist(), abs=1e-12)


def test_a_refused_request_raises(client, customers):
    broken = customers.iloc[:2].assign(contract="weekly")
    with pytest.raises(httpx2.HTTPStatusError, match="422"):
        service_scores(client, broken)


def test_compare_reports_the_worst_records_first():
    serving = pd.Series([0.5, 0.2, 0.9, 0.4], index=["a", "b", "c", "d"])
    batch = pd.Series([0.4 + 1e-7, 0.2, 0.6, 0.4], index=["d", "b", "c", "a"])
    report = compare_scores(serving, batch, tolerance=1e-6)
    # Matched by ID, not position: c differs by 0.3, a by 0.1, d within tolerance.
    assert report.rows == 4
    assert report.mismatches == 2
    assert report.worst == ("c", "a")
    assert report.max_abs_diff == pytest.approx(0.3)


@pytest.mark.parametrize(
    "serving",
    [
        pd.Series([0.1, 0.2], index=["a", "x"]),
        pd.Series([0.1, 0.2, 0.3], index=["a", "a", "b"]),
    ],
)
def test_compare_refuses_different_records(serving):
    batch = pd.Series([0.1, 0.2], index=["a", "b"])
    with pytest.raises(ValueError, match="must score the same records once each"):
        compare_scores(serving, batch)
