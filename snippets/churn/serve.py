"""The churn model as an HTTP service: validated input, health, metrics and reloads.

Each endpoint exists because something in production asks for it:

- ``POST /predict`` and ``POST /predict/batch`` score customers. The request schema
  mirrors the data contract, so a bad request is refused with a 422 that names the
  field, instead of reaching the model as a silent NaN or an unseen category.
- ``GET /health`` is the liveness probe: it answers 200 while the process runs, so
  the orchestrator (Kubernetes) restarts the container only when it is truly stuck.
- ``GET /ready`` is the readiness probe: 200 only while a model is loaded. When the
  model cannot be loaded, the service stays up and says why with a 503, so the
  orchestrator routes no traffic to it, and you read the reason instead of watching
  a crash loop.
- ``GET /metadata`` names the model, its version, alias, file hash and training data
  hash: the lineage you need to answer "which model made this prediction?".
- ``GET /metrics`` exposes request counts, latencies and the distribution of
  predictions in the Prometheus format, for dashboards and alerts.
- ``POST /admin/reload`` loads the model again (a new champion) without a restart.
  It answers only to ``Authorization: Bearer <token>``, with the token the service was
  started with (``CHURN_ADMIN_TOKEN``); without one it is off (403). Keep it off the
  public ingress too: a reload costs seconds of CPU.

Every response carries an ``X-Request-ID`` (the caller's, if sane) and every request
is logged once as ``key=value`` pairs with that ID, so one request can be followed
from the client's log to this service's.

The app is built by `create_app`, so tests can build several apps in one process,
each with its own model and its own metrics registry.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import re
import secrets
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from starlette.datastructures import Headers, MutableHeaders
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from churn.features import FEATURES
from churn.fields import (
    CONTRACTS,
    ID_PATTERN,
    INTERNET_SERVICES,
    PAYMENT_METHODS,
    REGIONS,
)
from churn.microbatch import MicroBatcher
from churn.published import Published, PublishedError, read_published, resolve
from churn.runtime import ONNX_RUNTIME, Scorer, load_onnx, load_pipeline
from churn.tracking_server import TrackingServerError, fetch_champion

logger = logging.getLogger(__name__)
# The most single-record requests one model call answers: a call costs about the
# same for 1 row as for 32 (measured: benchmarks/service.py).
MAX_MICRO_BATCH = 32
ADMIN_TOKEN_ENV = "CHURN_ADMIN_TOKEN"  # `churn serve` reads the admin token from here


@dataclass(frozen=True)
class LoadedModel:
    """A scorer together with what identifies its model: what `GET /metadata` reports.

    Attributes:
        scorer: Computes the probabilities: ONNX Runtime, or the pipeline itself
            (`churn.runtime`).
        name: The registered model's name.
        version: The model's version, reported with every prediction.
        alias: ``champion``, ``challenger`` or None.
        sha256: The hash of the model's skops file: which trained model this is.
        data_hash: The hash of the data it was trained on.
        runtime_note: How the scorer was proven equal to the pipeline, or why
            the pipeline itself serves.
    """

    scorer: Scorer
    name: str
    version: str
    alias: str | None
    sha256: str
    data_hash: str
    runtime_note: str = ""


Loader = Callable[[], LoadedModel]


class ModelLoadError(RuntimeError):
    """The loader failed; the message is the reason `/ready` reports."""


def file_loader(
    path: str | Path,
    sha256: str,
    name: str = "churn",
    version: str = "local",
    data_hash: str = "unknown",
) -> Loader:
    """Return a loader that reads a skops model file, checking its hash on each load.

    A bare model file has no ONNX export and no parity proof, so the pipeline
    itself scores (`churn.runtime.PipelineScorer`); the registry's champion
    (``churn serve --registry``) is served through ONNX Runtime.

    Args:
        path: The model file written by `churn.artifacts.save_model`.
        sha256: The hash recorded when the file was saved.
        name: The model's name, for `/metadata`.
        version: The model's version, reported with every prediction.
        data_hash: The hash of the training data, for lineage.

    Returns:
        A function of no arguments that loads the model.
    """
    path = Path(path)

    def load() -> LoadedModel:
        try:
            scorer = load_pipeline(path, sha256)
        except FileNotFoundError:
            raise ModelLoadError(f"model file not found: {path}") from None
        note = "a skops file without an ONNX export: the pipeline scores"
        return LoadedModel(scorer, name, version, None, sha256, data_hash, note)

    return load


# --8<-- [start:registry-loader]
def registry_loader(root: str | Path, name: str = "churn") -> Loader:
    """Return a loader that serves the champion a registry folder published.

    Each load reads ``serving/<name>.json`` anew (`churn.published`), so a reload
    after a promotion or a rollback serves the new champion. The ONNX export is
    loaded if the champion has one, the pipeline otherwise; either file only if
    its hash is the recorded one. Nothing here imports MLflow or opens its
    database.

    Args:
        root: The registry folder, e.g. ``/models`` in the container.
        name: The registered model.

    Returns:
        A function of no arguments that loads the champion.
    """
    root = Path(root)

    def load() -> LoadedModel:
        try:
            return _load_champion(root, read_published(root, name))
        except PublishedError as error:
            raise ModelLoadError(str(error)) from None

    return load


def _load_champion(root: Path, champion: Published) -> LoadedModel:
    """Load the champion's ONNX export if proven, its pipeline otherwise."""
    try:
        if champion.onnx_file is not None and champion.onnx_sha256 is not None:
            path = resolve(root, champion.onnx_file)
            scorer: Scorer = load_onnx(path, champion.onnx_sha256)
        else:  # no proven export: the pipeline itself, slower and never wrong
            path = resolve(root, champion.model_file)
            scorer = load_pipeline(path, champion.sha256)
    except PublishedError as error:
        raise ModelLoadError(str(error)) from None
    except FileNotFoundError as error:
        raise ModelLoadError(f"champion file not found: {error.filename}") from None
    identity = (champion.name, str(champion.version), "champion")
    lineage = (champion.sha256, champion.data_hash, champion.onnx_note)
    return LoadedModel(scorer, *identity, *lineage)


# --8<-- [end:registry-loader]


# --8<-- [start:server-loader]
def server_loader(uri: str, cache: str | Path, name: str = "churn") -> Loader:
    """Return a loader that serves the champion an MLflow tracking server holds.

    Each load asks the server which version is the champion, so a reload after a
    promotion on the server serves the new one; files come through the server's
    artifact proxy into ``cache`` and are loaded only if their hashes match
    (`churn.tracking_server`). The service still imports no MLflow.

    Args:
        uri: The tracking server, e.g. ``http://mlflow.models.svc:5000``.
        cache: A writable folder for the champion's files.
        name: The registered model.

    Returns:
        A function of no arguments that loads the champion.
    """
    cache = Path(cache)

    def load() -> LoadedModel:
        try:
            champion = fetch_champion(uri, name, cache)
        except TrackingServerError as error:
            raise ModelLoadError(str(error)) from None
        return _load_champion(cache, champion)

    return load


# --8<-- [end:server-loader]


# --8<-- [start:schema]
def _whole_float(value: object) -> object:
    """84.0 as 84: JSON Schema's ``integer`` includes numbers with no fraction."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# Strict otherwise: a string, a bool or 84.5 is still refused.
WholeNumber = Annotated[int, BeforeValidator(_whole_float)]


class Customer(BaseModel):
    """One customer to score: the features of the data contract, with its rules."""

    # strict: "12" is not a number and 1 is not true; forbid: a misspelt field is an
    # error, not a silently missing feature; no NaN or infinity reaches the model.
    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        allow_inf_nan=False,
        json_schema_extra={
            "examples": [
                {
                    "customer_id": "C0000042",
                    "tenure_months": 8,
                    "monthly_charges": 79.5,
                    "support_calls": 3,
                    "senior": False,
                    "contract": "month-to-month",
                    "payment_method": "electronic-check",
                    "internet_service": "fiber",
                    "region": "north",
                }
            ]
        },
    )

    customer_id: str | None = Field(
        None, pattern=ID_PATTERN, description="Optional ID, echoed in the response."
    )
    tenure_months: WholeNumber = Field(
        ge=0, le=120, description="Months as a customer."
    )
    monthly_charges: float = Field(ge=0.0, le=500.0, description="Monthly bill.")
    support_calls: WholeNumber = Field(ge=0, le=100, description="Calls to support.")
    senior: bool = Field(description="Whether the customer is a senior citizen.")
    contract: Literal[CONTRACTS] = Field(description="Contract length.")
    payment_method: Literal[PAYMENT_METHODS] = Field(description="How they pay.")
    internet_service: Literal[INTERNET_SERVICES] = Field(description="Service type.")
    region: Literal[REGIONS] = Field(description="Sales region.")


class Batch(BaseModel):
    """Up to 1,000 customers scored in one request."""

    model_config = ConfigDict(strict=True, extra="forbid")

    records: list[Customer] = Field(min_length=1, max_length=1000)


# --8<-- [end:schema]


class Prediction(BaseModel):
    """The churn probability of one customer and the model version that made it."""

    customer_id: str | None
    churn_probability: float = Field(ge=0.0, le=1.0)
    model_version: str


class BatchPrediction(BaseModel):
    """One prediction per record, in the order of the request."""

    predictions: list[Prediction]


class Metadata(BaseModel):
    """What identifies the served model, for lineage."""

    name: str
    version: str
    alias: str | None
    sha256: str
    data_hash: str
    features: list[str]
    runtime: str = Field(description="What computes the probabilities.")
    runtime_note: str = Field(description="How it was proven, or why it serves.")


# --8<-- [start:metrics]
@dataclass(frozen=True)
class _Metrics:
    """The app's Prometheus metrics, in a registry of its own."""

    registry: CollectorRegistry
    requests: Counter
    latency: Histogram
    predictions: Counter
    probability: Histogram
    model_info: Gauge
    load_failures: Counter


def _metrics() -> _Metrics:
    """Create the metrics in a fresh registry, so two apps never share counts."""
    registry = CollectorRegistry()
    labels = ["route", "method", "status"]
    return _Metrics(
        registry,
        Counter("http_requests", "HTTP requests.", labels, registry=registry),
        Histogram(
            "http_request_duration_seconds",
            "Time to answer an HTTP request.",
            labels,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
            registry=registry,
        ),
        Counter("churn_predictions", "Customers scored.", registry=registry),
        Histogram(
            "churn_prediction_probability",
            "Predicted churn probabilities.",
            buckets=[round(0.1 * i, 1) for i in range(1, 11)],
            registry=registry,
        ),
        Gauge("churn_model_info", "The loaded model.", ["version"], registry=registry),
        Counter(
            "churn_model_load_failures",
            "Model loads that failed; the service kept the model it had.",
            registry=registry,
        ),
    )


# --8<-- [end:metrics]


router = APIRouter()
UNAVAILABLE: dict[int | str, dict[str, object]] = {
    503: {"description": "No model is loaded; the body says why."}
}
BODY: dict[int | str, dict[str, object]] = {
    400: {"description": "The body cannot be parsed, e.g. JSON nested too deeply."},
    408: {"description": "The body did not arrive within the service's deadline."},
    413: {"description": "The body is larger than the service accepts."},
}
ADMIN: dict[int | str, dict[str, object]] = {
    401: {"description": "The admin token is missing or wrong."},
    403: {"description": "Admin routes are off: the service has no admin token."},
}


# --8<-- [start:readiness]
def _reason(exc: Exception) -> str:
    """Say why a load failed; our own errors already read as a reason."""
    if isinstance(exc, ModelLoadError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


# An absolute path: a slash that starts no URL, up to a space, quote, colon, etc.
_ABSOLUTE_PATH = re.compile(r"(?<![\w:/.])(?:/[^\s/:;,'\"()]+)+")


def _for_callers(reason: str) -> str:
    """A load failure as callers may read it: one line, no absolute paths.

    The full reason, with the paths an operator needs, goes to the log. A caller
    learns which file and which rule (``model.onnx: SHA-256 is ...``), not the
    layout of the server's disk, nor the SQL a driver appended on later lines.
    """
    first = (reason.splitlines() or [""])[0]
    return _ABSOLUTE_PATH.sub(lambda found: Path(found[0]).name, first)


class ModelHolder:
    """The served model, replaced whole so a request sees one model from start to end.

    Attributes:
        loaded: The model being served, or None when none could be loaded.
        reason: Why the last load failed, as callers may read it (the log has
            the full reason), or None after a success.
    """

    def __init__(
        self,
        loader: Loader,
        on_swap: Callable[[LoadedModel], None],
        on_failure: Callable[[], None] = lambda: None,
    ) -> None:
        self._loader = loader
        self._on_swap = on_swap
        self._on_failure = on_failure
        self._lock = threading.Lock()  # one load at a time; predictions never wait
        self.loaded: LoadedModel | None = None
        self.reason: str | None = "model not loaded yet"

    def reload(self) -> LoadedModel:
        """Call the loader; on success, serve its model from the next request on.

        Returns:
            The newly loaded model.

        Raises:
            ModelLoadError: If the loader failed. The current model, if any, stays.
        """
        with self._lock:
            try:
                new = self._loader()
            except Exception as exc:  # whatever the loader raises, the app stays up
                reason = _reason(exc)
                logger.warning("event=model_load_failed reason=%r", reason)
                self.reason = _for_callers(reason)
                self._on_failure()
                raise ModelLoadError(self.reason) from exc
            # The new model is complete before this one assignment publishes it;
            # requests already running keep the reference they took.
            self.loaded = new
            self.reason = None
            self._on_swap(new)
            logger.info(
                "event=model_loaded version=%s sha256=%s", new.version, new.sha256
            )
            return new


# The dependencies and probes are async: they run on the event loop, so they answer
# even while every worker thread is busy scoring.
async def _holder(request: Request) -> ModelHolder:
    return request.app.state.model_holder


def _current(holder: ModelHolder) -> LoadedModel:
    """Take the current model once per request, or answer 503 with the reason."""
    loaded = holder.loaded
    if loaded is None:
        raise HTTPException(503, detail=holder.reason)
    return loaded


async def _loaded(holder: Annotated[ModelHolder, Depends(_holder)]) -> LoadedModel:
    return _current(holder)


@router.get("/health")
async def health() -> dict[str, str]:
    """Liveness: the process is up and answering."""
    return {"status": "ok"}


@router.get("/ready", responses=UNAVAILABLE)
async def ready(holder: Annotated[ModelHolder, Depends(_holder)]) -> JSONResponse:
    """Readiness: 200 with the model version, or 503 with why there is no model."""
    loaded = holder.loaded
    if loaded is None:
        return JSONResponse({"status": "not ready", "reason": holder.reason}, 503)
    return JSONResponse({"status": "ready", "model_version": loaded.version})


def _admin(request: Request) -> None:
    """Let a request through to an admin route only with the service's token."""
    token: str | None = request.app.state.admin_token
    if token is None:
        raise HTTPException(403, f"admin routes are off: set {ADMIN_TOKEN_ENV}")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    # The scheme is case-insensitive (RFC 9110, section 11.1); the token is not.
    # compare_digest takes as long for a near miss as for a wild guess.
    matches = secrets.compare_digest(given.encode(), token.encode())
    if scheme.lower() != "bearer" or not matches:
        raise HTTPException(
            401,
            "send the admin token as 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )


@router.post(
    "/admin/reload",
    responses={**UNAVAILABLE, **ADMIN},
    dependencies=[Depends(_admin)],
)
def reload_model(holder: Annotated[ModelHolder, Depends(_holder)]) -> JSONResponse:
    """Load the model again; on failure keep serving the current one and say why."""
    previous = holder.loaded
    try:
        new = holder.reload()
    except ModelLoadError as error:
        serving = previous.version if previous else None
        return JSONResponse({"detail": str(error), "model_version": serving}, 503)
    return JSONResponse({"status": "reloaded", "model_version": new.version})


# --8<-- [end:readiness]


# --8<-- [start:predict]
def _score(
    loaded: LoadedModel, customers: list[Customer], metrics: _Metrics
) -> list[Prediction]:
    """Score customers with one model, in one call."""
    records = [customer.model_dump(include=set(FEATURES)) for customer in customers]
    probabilities = loaded.scorer.churn_probability(records)
    metrics.predictions.inc(len(customers))
    for probability in probabilities:
        metrics.probability.observe(probability)
    return [
        Prediction(
            customer_id=customer.customer_id,
            churn_probability=float(probability),
            model_version=loaded.version,
        )
        for customer, probability in zip(customers, probabilities, strict=True)
    ]


def _score_current(app: FastAPI) -> Callable[[list[Customer]], list[Prediction]]:
    """Score a micro-batch with the model current when the batch starts."""

    def score(customers: list[Customer]) -> list[Prediction]:
        loaded = app.state.model_holder.loaded
        if loaded is None:  # only if a model was never loaded: requests got 503
            raise ModelLoadError(app.state.model_holder.reason)
        return _score(loaded, customers, app.state.metrics)

    return score


@router.post("/predict", responses={**UNAVAILABLE, **BODY})
async def predict(customer: Customer, request: Request) -> Prediction:
    """Return the churn probability of one customer.

    Concurrent requests are scored together (`churn.microbatch`): one model call
    answers every customer that arrived while the event loop was busy. A model
    served by scikit-learn (no ONNX export) costs milliseconds a call, so it is
    scored in a worker thread instead, one request at a time.
    """
    # The hot path checks readiness itself: a dependency would cost more than the
    # check, on every request.
    loaded = _current(request.app.state.model_holder)
    if loaded.scorer.runtime != ONNX_RUNTIME:  # milliseconds a call: off the loop
        metrics = request.app.state.metrics
        (prediction,) = await asyncio.to_thread(_score, loaded, [customer], metrics)
        return prediction
    return await request.app.state.batcher.submit(customer)


@router.post("/predict/batch", responses={**UNAVAILABLE, **BODY})
async def predict_batch(
    batch: Batch,
    loaded: Annotated[LoadedModel, Depends(_loaded)],
    request: Request,
) -> BatchPrediction:
    """Return the churn probabilities of up to 1,000 customers, in order."""
    # Up to 1,000 rows take milliseconds: score them off the event loop.
    metrics = request.app.state.metrics
    predictions = await asyncio.to_thread(_score, loaded, batch.records, metrics)
    return BatchPrediction(predictions=predictions)


# --8<-- [end:predict]


@router.get("/metadata", responses=UNAVAILABLE)
async def metadata(loaded: Annotated[LoadedModel, Depends(_loaded)]) -> Metadata:
    """Name the served model and the data it was trained on."""
    return Metadata(
        name=loaded.name,
        version=loaded.version,
        alias=loaded.alias,
        sha256=loaded.sha256,
        data_hash=loaded.data_hash,
        features=FEATURES,
        runtime=loaded.scorer.runtime,
        runtime_note=loaded.runtime_note,
    )


@router.get("/metrics", include_in_schema=False)
async def prometheus_metrics(request: Request) -> Response:
    """Expose this app's metrics in the Prometheus text format."""
    registry = request.app.state.metrics.registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


# --8<-- [start:errors]
async def _invalid_request(
    request: Request, exc: RequestValidationError
) -> JSONResponse:
    """Answer 422 with where and what, without echoing the input back.

    FastAPI's default handler echoes each bad value; a NaN cannot be written as
    JSON, so a client sending NaN would get a 500 instead of a 422.
    """
    detail = [
        {"loc": list(error["loc"]), "msg": error["msg"], "type": error["type"]}
        for error in exc.errors()
    ]
    return JSONResponse({"detail": detail}, 422)


# --8<-- [end:errors]


# --8<-- [start:observe]
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def _labels(scope: Scope) -> tuple[str, str]:
    """Route template and method, each from a small set so labels cannot explode.

    A request answered before routing (a body refused unread) or by one of
    FastAPI's own routes (``/docs``) has no route in its scope; the app's routes
    say which template it would have matched.
    """
    route = scope.get("route") or _route_of(scope)
    template = route.path if route else "unmatched"
    method = scope["method"] if scope["method"] in _METHODS else "other"
    return template, method


def _route_of(scope: Scope) -> Route | None:
    """The route a request's path and method match, looked up only when needed."""
    for route in (*router.routes, *scope["app"].routes):
        if isinstance(route, Route) and route.matches(scope)[0] is Match.FULL:
            return route
    return None


class _Observe:
    """Count, time and log every request, and tag it with a request ID.

    A plain ASGI middleware: it wraps `send` to read the status and add the header,
    and costs a few microseconds, where a `BaseHTTPMiddleware` would start a task
    and two streams for every request.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get("x-request-id", "")
        request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        status = 500
        started = False

        async def tagged(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                status, started = message["status"], True
                MutableHeaders(scope=message).append("X-Request-ID", request_id)
            await send(message)

        start = time.perf_counter()
        try:
            await self.app(scope, receive, tagged)
        except Exception:
            logger.exception("event=unhandled_error request_id=%s", request_id)
            if started:  # part of the answer is sent: nothing sensible to add
                raise
            error = JSONResponse({"detail": "internal error"}, 500)
            await error(scope, receive, tagged)
        _record(scope, str(status), request_id, time.perf_counter() - start)


def _record(scope: Scope, status: str, request_id: str, elapsed: float) -> None:
    """Update the request metrics and write the request's log line."""
    route, method = _labels(scope)
    app_metrics: _Metrics = scope["app"].state.metrics
    app_metrics.requests.labels(route, method, status).inc()
    app_metrics.latency.labels(route, method, status).observe(elapsed)
    logger.info(
        "request_id=%s method=%s route=%s status=%s duration_ms=%.2f",
        request_id,
        method,
        route,
        status,
        elapsed * 1000,
    )


# --8<-- [end:observe]


# --8<-- [start:body-limit]
# At least twice the largest valid batch (tests/churn/test_serve_limits.py builds it
# and checks): room for whitespace, and still far below a 50 MB body, refused unread.
MAX_BODY_BYTES = 1024 * 1024
BODY_DEADLINE_S = 5.0  # a client that cannot send 1 MiB in 5 s is stalled, not slow


class _BodyLimit:
    """Refuse bodies over ``max_bytes`` (413) and slower than ``deadline_s`` (408).

    A declared ``Content-Length`` over the limit is refused before a byte of the
    body is read. A body without one is counted as it arrives. The deadline runs
    from the first read, so a client that sends part of a body and stalls holds a
    connection for seconds, not until the server's keep-alive gives up.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, deadline_s: float) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.deadline_s = deadline_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            too_large = JSONResponse({"detail": self._too_large()}, 413)
            await too_large(scope, receive, send)
            return
        received = 0
        deadline: float | None = None
        complete = False  # after the body, a read waits for the disconnect: no limit

        async def limited() -> Message:
            nonlocal received, deadline, complete
            if complete:
                return await receive()
            loop = asyncio.get_running_loop()
            deadline = deadline or loop.time() + self.deadline_s
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                detail = f"the request body did not arrive within {self.deadline_s:g} s"
                raise HTTPException(408, detail) from None
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise HTTPException(413, self._too_large())
            complete = not message.get("more_body", False)
            return message

        await self.app(scope, limited, send)

    def _too_large(self) -> str:
        return f"the request body is larger than {self.max_bytes:,} bytes"


# --8<-- [end:body-limit]


# --8<-- [start:lifespan]
def _load_and_freeze(holder: ModelHolder) -> None:
    """Load the model; a failure leaves the app up but not ready, saying why."""
    with suppress(ModelLoadError):
        holder.reload()
    # Libraries and the model are loaded: move them out of the garbage collector's
    # sight, so its full collections, which pause every request, stay short.
    gc.collect()
    gc.freeze()


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Load the model before serving, or, in the background, while serving.

    In the background, the port opens at once: ``/health`` answers while the model
    loads, and ``/ready`` answers 503 until it is loaded. Liveness then never waits
    for a model, and an orchestrator sees a live process that is not ready yet.
    """
    app.state.batcher = MicroBatcher(_score_current(app), max_batch=MAX_MICRO_BATCH)
    holder = app.state.model_holder
    if not app.state.load_in_background:
        _load_and_freeze(holder)
        yield
        return
    holder.reason = "loading the model"
    loading = threading.Thread(
        target=_load_and_freeze, args=(holder,), name="model-load", daemon=True
    )
    loading.start()
    yield
    loading.join(timeout=60)  # a test's app may stop while its model still loads


# --8<-- [end:lifespan]


def create_app(
    loader: Loader,
    admin_token: str | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
    body_deadline_s: float = BODY_DEADLINE_S,
    load_in_background: bool = False,
) -> FastAPI:
    """Build the service around a loader, which is called at startup and on reload.

    Args:
        loader: Returns the model to serve; `registry_loader` makes one for a
            registry's champion, `file_loader` for a skops file.
        admin_token: What ``POST /admin/reload`` requires as a bearer token; None
            turns the admin routes off.
        max_body_bytes: The largest request body accepted; larger gets 413.
        body_deadline_s: Seconds a request body may take to arrive; slower gets 408.
        load_in_background: Open the port first and load the model in a thread,
            as `churn serve` does; False loads it before the first request, which
            tests and in-process examples want.

    Returns:
        The app. Its ``state.model_holder.reload()`` reloads the model, e.g. from a
        signal handler.
    """
    # The service exports Prometheus metrics itself; FastAPI's OpenTelemetry hooks
    # would only cost a check on every request.
    off = {"tracing": False, "metrics": False, "logs": False}
    app = FastAPI(title="Churn model", version="1", lifespan=_lifespan, telemetry=off)
    app.state.metrics = _metrics()
    app.state.admin_token = admin_token or None  # an empty token would be no secret
    app.state.load_in_background = load_in_background

    def on_swap(loaded: LoadedModel) -> None:
        app.state.metrics.model_info.clear()
        app.state.metrics.model_info.labels(loaded.version).set(1)

    app.state.model_holder = ModelHolder(
        loader, on_swap, on_failure=app.state.metrics.load_failures.inc
    )
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_middleware(_BodyLimit, max_bytes=max_body_bytes, deadline_s=body_deadline_s)
    app.add_middleware(_Observe)  # added last, so outermost: it counts 408 and 413
    app.include_router(router)
    return app
