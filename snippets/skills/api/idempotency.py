"""Idempotent job submission: a retried request starts no second batch job.

A client submits a batch-scoring job, the network drops the answer, and the client
retries. Without protection, two jobs score the same million rows, and two result
files land downstream. With an ``Idempotency-Key`` header, the client names the
submission, and the server remembers what each key created:

- same key, same body: the job created the first time, not a new one;
- same key, different body: 409, because the client reused a key by mistake;
- a new key: a new job.

The body is compared by a fingerprint of the validated request, so the order of
JSON keys or spacing does not make a retry look like a different request.

This store keeps keys in memory, which is right for one process and a test. With
several replicas, keep them where all replicas see them: a database table whose
primary key is the idempotency key, so the database refuses a second insert even
when two retries arrive at once.
"""

from __future__ import annotations

# --8<-- [start:imports]
import hashlib
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import FastAPI, Header, HTTPException, Response
from pydantic import BaseModel, ConfigDict, Field

# --8<-- [end:imports]

# --8<-- [start:models]
DAY_S = 24 * 60 * 60


class JobRequest(BaseModel):
    """What to score, where to write the scores, and with which model."""

    model_config = ConfigDict(strict=True, extra="forbid")

    input_uri: str = Field(min_length=1, description="Where the rows to score are.")
    output_uri: str = Field(min_length=1, description="Where to write the scores.")
    model_version: str | None = Field(None, description="Default: the champion.")


class Job(BaseModel):
    """A submitted job; a worker takes it from the queue and updates its status."""

    job_id: str
    status: Literal["queued", "running", "done", "failed"]
    request: JobRequest


class KeyReused(Exception):
    """The idempotency key was already used for a different request body."""


@dataclass(frozen=True)
class _Entry:
    fingerprint: str
    job: Job
    expires: float


# --8<-- [end:models]


# --8<-- [start:store]
class IdempotentJobs:
    """Job submissions deduplicated by the client's idempotency key.

    Args:
        enqueue: Hands a new job to the workers; called once per job, never for a
            replay. If it raises, nothing is remembered and a retry starts afresh.
        ttl_s: How long a key is remembered (a day by default, as payment APIs
            do); a key reused after that creates a new job.
        clock: Seconds from a monotonic clock; tests pass a fake one.

    Raises:
        ValueError: If `ttl_s` is not positive.
    """

    def __init__(
        self,
        enqueue: Callable[[Job], None],
        ttl_s: float = DAY_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not ttl_s > 0:
            raise ValueError(f"ttl_s must be greater than 0, got {ttl_s}")
        self._enqueue = enqueue
        self._ttl_s = ttl_s
        self._clock = clock
        self._lock = threading.Lock()  # check-then-insert must be one step
        self._keys: dict[str, _Entry] = {}
        self.jobs: dict[str, Job] = {}

    def submit(self, key: str, request: JobRequest) -> tuple[Job, bool]:
        """Create the job for a key, or return the one the key already created.

        Args:
            key: The client's idempotency key.
            request: The validated request body.

        Returns:
            The job, and whether it is a replay of an earlier submission.

        Raises:
            KeyReused: If the key was used with a different body.
        """
        fingerprint = hashlib.sha256(request.model_dump_json().encode()).hexdigest()
        with self._lock:
            now = self._clock()
            self._forget_expired(now)
            entry = self._keys.get(key)
            if entry is not None:
                if entry.fingerprint != fingerprint:
                    raise KeyReused(key)
                return entry.job, True
            job = Job(job_id=uuid.uuid4().hex, status="queued", request=request)
            self._enqueue(job)  # first: a failed enqueue leaves no trace
            self._keys[key] = _Entry(fingerprint, job, now + self._ttl_s)
            self.jobs[job.job_id] = job
            return job, False

    def _forget_expired(self, now: float) -> None:
        """Drop expired keys, oldest first: they were added in order of expiry."""
        while self._keys:
            key, entry = next(iter(self._keys.items()))
            if entry.expires > now:
                return
            del self._keys[key]


# --8<-- [end:store]


# --8<-- [start:routes]
IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=16,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="A unique value per job, e.g. a UUID; reuse it only to retry.",
    ),
]


def create_app(jobs: IdempotentJobs) -> FastAPI:
    """Serve batch-job submission and status over HTTP.

    Args:
        jobs: The store that deduplicates submissions.

    Returns:
        The app, with ``POST /v1/batch-jobs`` and ``GET /v1/batch-jobs/{job_id}``.
    """
    app = FastAPI(title="Batch scoring jobs", version="1")

    @app.post(
        "/v1/batch-jobs",
        status_code=202,
        responses={409: {"description": "The key was used for another body."}},
    )
    def submit(request: JobRequest, key: IdempotencyKey, response: Response) -> Job:
        """Queue a scoring job; a retry with the same key returns the same job."""
        try:
            job, replayed = jobs.submit(key, request)
        except KeyReused:
            raise HTTPException(
                409,
                detail="this Idempotency-Key was used for a different request; "
                "use a new key for a new job",
            ) from None
        response.headers["Location"] = f"/v1/batch-jobs/{job.job_id}"
        if replayed:
            response.headers["Idempotent-Replayed"] = "true"
        return job

    @app.get("/v1/batch-jobs/{job_id}", responses={404: {"description": "No job."}})
    def status(job_id: str) -> Job:
        """Report a job's status."""
        job = jobs.jobs.get(job_id)
        if job is None:
            raise HTTPException(404, detail=f"no job {job_id}")
        return job

    return app


# --8<-- [end:routes]
