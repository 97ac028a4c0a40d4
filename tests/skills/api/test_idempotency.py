from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from skills.api.idempotency import (
    IdempotentJobs,
    Job,
    JobRequest,
    KeyReused,
    create_app,
)

KEY = "0b6f4c5e-4a63-4c43-9f0e-2f1a7d1d9e11"
BODY = {"input_uri": "s3://scores/in/2025-06-01/", "output_uri": "s3://scores/out/"}


class Clock:
    """A fake monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        """The time the test set."""
        return self.now


@pytest.fixture
def queued() -> list[Job]:
    return []


@pytest.fixture
def client(queued: list[Job]) -> TestClient:
    return TestClient(create_app(IdempotentJobs(queued.append)))


def submit(client: TestClient, body: dict[str, str], key: str = KEY):
    return client.post("/v1/batch-jobs", json=body, headers={"Idempotency-Key": key})


def test_a_retry_returns_the_first_job_and_queues_nothing_new(
    client: TestClient, queued: list[Job]
) -> None:
    first = submit(client, BODY)
    again = submit(client, BODY)
    assert first.status_code == again.status_code == 202
    assert first.json() == again.json()
    assert first.json()["status"] == "queued"
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert first.headers["Location"] == f"/v1/batch-jobs/{first.json()['job_id']}"
    assert [job.job_id for job in queued] == [first.json()["job_id"]]


def test_the_same_body_in_another_key_order_is_a_retry(
    client: TestClient, queued: list[Job]
) -> None:
    submit(client, BODY)
    reordered = dict(reversed(BODY.items()))
    assert submit(client, reordered).headers["Idempotent-Replayed"] == "true"
    assert len(queued) == 1


def test_the_same_key_with_another_body_is_409(
    client: TestClient, queued: list[Job]
) -> None:
    submit(client, BODY)
    response = submit(client, BODY | {"model_version": "3"})
    assert response.status_code == 409
    assert "use a new key for a new job" in response.json()["detail"]
    assert len(queued) == 1


def test_a_new_key_is_a_new_job(client: TestClient, queued: list[Job]) -> None:
    first = submit(client, BODY).json()
    second = submit(client, BODY, key=KEY.replace("0b6f", "1c70")).json()
    assert first["job_id"] != second["job_id"]
    assert len(queued) == 2


@pytest.mark.parametrize(
    ("headers", "error"),
    [
        ({}, "missing"),
        ({"Idempotency-Key": "short"}, "string_too_short"),
        ({"Idempotency-Key": "x" * 65}, "string_too_long"),
        ({"Idempotency-Key": "has spaces in it, sixteen+"}, "string_pattern_mismatch"),
    ],
)
def test_the_key_is_required_and_validated(
    client: TestClient, queued: list[Job], headers: dict[str, str], error: str
) -> None:
    response = client.post("/v1/batch-jobs", json=BODY, headers=headers)
    assert response.status_code == 422
    (only,) = response.json()["detail"]
    assert (only["loc"], only["type"]) == (["header", "Idempotency-Key"], error)
    assert queued == []


def test_status_is_found_by_job_id(client: TestClient) -> None:
    job = submit(client, BODY).json()
    response = client.get(f"/v1/batch-jobs/{job['job_id']}")
    assert response.status_code == 200
    assert response.json() == job
    missing = client.get("/v1/batch-jobs/nope")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "no job nope"}


def test_a_key_is_forgotten_after_its_time_to_live(queued: list[Job]) -> None:
    clock = Clock()
    jobs = IdempotentJobs(queued.append, ttl_s=60, clock=clock)
    request = JobRequest(**BODY)
    first, _ = jobs.submit(KEY, request)
    clock.now = 59.0
    assert jobs.submit(KEY, request) == (first, True)
    jobs.submit("another-key-0001", request)
    clock.now = 60.0  # the first key expires; the second lives until 119
    renewed, replayed = jobs.submit(KEY, request)
    assert not replayed
    assert renewed.job_id != first.job_id
    assert jobs.submit("another-key-0001", request)[1] is True
    assert len(queued) == 3
    assert jobs.jobs[first.job_id] == first  # the job outlives its key


def test_a_reused_key_raises_in_the_store(queued: list[Job]) -> None:
    jobs = IdempotentJobs(queued.append)
    jobs.submit(KEY, JobRequest(**BODY))
    with pytest.raises(KeyReused):
        jobs.submit(KEY, JobRequest(**BODY, model_version="3"))


def test_a_failed_enqueue_leaves_no_trace(queued: list[Job]) -> None:
    fail = True

    def enqueue(job: Job) -> None:
        if fail:
            raise ConnectionError("queue unreachable")
        queued.append(job)

    jobs = IdempotentJobs(enqueue)
    with pytest.raises(ConnectionError):
        jobs.submit(KEY, JobRequest(**BODY))
    assert jobs.jobs == {}
    fail = False
    job, replayed = jobs.submit(KEY, JobRequest(**BODY))  # the retry starts afresh
    assert not replayed
    assert queued == [job]


def test_concurrent_retries_create_one_job(queued: list[Job]) -> None:
    start = threading.Barrier(8)

    jobs = IdempotentJobs(queued.append)

    def retry() -> str:
        start.wait(timeout=60)
        return jobs.submit(KEY, JobRequest(**BODY))[0].job_id

    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(lambda _: retry(), range(8)))
    assert len(set(ids)) == 1
    assert len(queued) == 1


@pytest.mark.parametrize("ttl", [0, -5])
def test_the_time_to_live_must_be_positive(ttl: float) -> None:
    with pytest.raises(ValueError, match="ttl_s must be greater than 0"):
        IdempotentJobs(lambda job: None, ttl_s=ttl)
