"""How fast the reference system scores: in-process, over HTTP under load, in batch.

One run measures, on this machine:

1. The floor: one record scored in-process the way the service scores it (the
   ONNX export in ONNX Runtime, `churn.runtime.OnnxScorer`), eight records in one
   call (a micro-batch), and, for comparison, the pipeline's ``predict_proba`` on
   a 1-row DataFrame.
2. ``POST /predict`` over HTTP at a fixed concurrency: ``python -m churn serve
   --registry`` (uvicorn, one process) serving the champion of a registry the
   training pipeline filled, on a loopback port, loaded by
   `benchmarks.load_client` in another process, so the client does not share the
   server's GIL.
3. Start-up: ``churn serve --registry`` started several times, with the time from
   starting the process to the first 200 from ``/health`` and from ``/ready``.
4. Batch scoring throughput: `churn.batch.score_frame` on pandas and
   `churn.batch.score_dask` on a local cluster of worker processes, same rows.

The start of the cluster is reported but never timed into a result. Percentiles are
nearest-rank: each is a latency that really happened.
"""

from __future__ import annotations

import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import IO, Any, TypeVar

# `python -m benchmarks` starts from the repository root, where snippets/ is not on
# the import path (pytest adds it for the tests).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "snippets"))

import dask.dataframe as dd
import httpx
import pandas as pd
from distributed import Client, LocalCluster, wait
from sklearn.pipeline import Pipeline

from benchmarks.latency import LatencySummary, ratio, summarize
from churn.batch import score_dask, score_frame
from churn.config import Config
from churn.data import ID, TARGET, generate
from churn.export import TOLERANCE
from churn.features import FEATURES
from churn.pipeline import run as run_pipeline
from churn.registry import Registry
from churn.runtime import OnnxScorer, load_onnx

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
TARGET_P99_MS = 10.0  # the project's objective for one record at concurrency 8
TARGET_HEALTH_S = 1.0  # liveness answers this soon after the process starts
TARGET_READY_S = 2.0  # and readiness, with a trained champion
POLL_S = 0.01  # how often start-up is probed: the resolution of its times
START_TIMEOUT_S = 120.0  # bounds the wait for the service; not a measurement
LOAD_MAX_S = 600.0  # bounds the load client's run
T = TypeVar("T")


@dataclass(frozen=True)
class Settings:
    """Sizes of one benchmark run; the defaults are what `make bench` reports."""

    train_rows: int = 20_000
    seed: int = 7
    repeats: int = 2_000
    breakdown_repeats: int = 500
    warmup: int = 200
    requests: int = 4_000
    http_warmup: int = 200
    concurrency: int = 8
    batch_rows: int = 200_000
    partitions: int = 8
    batch_repeats: int = 3
    starts: int = 5


@dataclass(frozen=True)
class HttpResult:
    """What the load client measured against the running service."""

    latency: LatencySummary
    requests_per_s: float
    requested: int
    completed: int
    errors: int
    statuses: dict[str, int]
    concurrency: int
    startup_s: float


@dataclass(frozen=True)
class BatchResult:
    """Median seconds to score the same rows with pandas and with Dask."""

    rows: int
    pandas_s: float
    dask_s: float
    partitions: int
    workers: int
    repeats: int
    cluster_start_s: float

    @property
    def pandas_rows_per_s(self) -> float:
        """Rows scored per second by `score_frame`."""
        return self.rows / self.pandas_s

    @property
    def dask_rows_per_s(self) -> float:
        """Rows scored per second by `score_dask` on the cluster."""
        return self.rows / self.dask_s

    @property
    def dask_over_pandas(self) -> float:
        """Dask's throughput as a multiple of pandas'; above 1 means Dask is faster."""
        return ratio(self.dask_rows_per_s, self.pandas_rows_per_s)


@dataclass(frozen=True)
class StartupResult:
    """Seconds from starting ``churn serve`` to each probe's first 200, per start."""

    health_s: list[float]
    ready_s: list[float]

    @property
    def met(self) -> bool:
        """Whether every start met both targets; the slowest start decides."""
        return (
            max(self.health_s) < TARGET_HEALTH_S and max(self.ready_s) < TARGET_READY_S
        )


@dataclass(frozen=True)
class ServiceReport:
    """Every number of one service benchmark run."""

    floor: LatencySummary
    micro_batch: LatencySummary
    pipeline: LatencySummary
    http: HttpResult
    batch: BatchResult
    startup: StartupResult


@dataclass(frozen=True)
class Machine:
    """Where the numbers were measured."""

    cores: int
    cpu: str
    python: str
    system: str
    date: str
    packages: dict[str, str]


# --- Measuring -------------------------------------------------------------------


def _say(message: str) -> None:
    """Report progress on stderr; stdout carries the report."""
    print(f"[service benchmark] {message}", file=sys.stderr, flush=True)


def time_calls(
    call: Callable[[T], object], inputs: Sequence[T], repeats: int, warmup: int
) -> list[float]:
    """Call ``call`` on the inputs in turn and return each call's time in ms.

    Args:
        call: The function to time.
        inputs: Arguments, used round-robin.
        repeats: Timed calls.
        warmup: Untimed calls first, so caches and lazy imports are settled.

    Returns:
        One wall time per timed call, in milliseconds.
    """
    for i in range(warmup):
        call(inputs[i % len(inputs)])
    times = []
    for i in range(repeats):
        item = inputs[i % len(inputs)]
        start = time.perf_counter()
        call(item)
        times.append((time.perf_counter() - start) * 1000)
    return times


def records(frame: pd.DataFrame, n: int = 100) -> list[dict[str, Any]]:
    """Return the first n customers as a client would send them: ID and features."""
    return json.loads(frame[[ID, *FEATURES]].head(n).to_json(orient="records"))


# --8<-- [start:floor]
def in_process(
    model: Pipeline,
    scorer: OnnxScorer,
    customers: Sequence[dict[str, Any]],
    settings: Settings,
) -> tuple[LatencySummary, LatencySummary, LatencySummary]:
    """Time records scored in-process, the service's way and the notebook's way.

    Returns:
        Summaries of ONNX Runtime on one record (the floor no HTTP server can
        beat), on eight records in one call (what a micro-batch costs at
        concurrency 8), and of the pipeline's ``predict_proba`` on a 1-row
        DataFrame (how a notebook scores one record).
    """
    rows = [{name: customer[name] for name in FEATURES} for customer in customers]
    eights = [rows[i : i + 8] for i in range(0, len(rows) - 7, 8)]

    def fast(row: dict[str, Any]) -> float:
        return float(scorer.churn_probability([row])[0])

    def notebook(row: dict[str, Any]) -> float:
        return float(model.predict_proba(pd.DataFrame([row], columns=FEATURES))[0, 1])

    floor = time_calls(fast, rows, settings.repeats, settings.warmup)
    batched = time_calls(
        scorer.churn_probability, eights, settings.breakdown_repeats, settings.warmup
    )
    pipeline = time_calls(notebook, rows, settings.breakdown_repeats, settings.warmup)
    return summarize(floor), summarize(batched), summarize(pipeline)


# --8<-- [end:floor]


def free_port() -> int:
    """Return a loopback port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pythonpath() -> str:
    """PYTHONPATH with snippets/ first, for child processes that import churn."""
    existing = os.environ.get("PYTHONPATH")
    return os.pathsep.join([str(SNIPPETS), *([existing] if existing else [])])


def wait_ready(
    url: str, process: subprocess.Popen[bytes], timeout_s: float = START_TIMEOUT_S
) -> None:
    """Poll ``url/ready`` until it answers 200; bounded in time.

    Raises:
        RuntimeError: If the process exits first or the deadline passes.
    """
    deadline = time.monotonic() + timeout_s
    with httpx.Client(timeout=5) as client:
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"the service exited with {process.returncode} during start-up"
                )
            try:
                if client.get(f"{url}/ready").status_code == 200:
                    return
            except httpx.TransportError:
                pass  # not listening yet
            if time.monotonic() > deadline:
                raise RuntimeError(f"the service was not ready after {timeout_s} s")
            time.sleep(0.2)


def stop(process: subprocess.Popen[bytes], timeout_s: float = 30.0) -> None:
    """Ask a process to end (SIGTERM); kill it if it has not after timeout_s."""
    process.terminate()
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def running_service(registry: Path, log: IO[bytes]) -> Iterator[tuple[str, float]]:
    """Run ``python -m churn serve`` on a registry's champion until the block ends.

    Yields:
        The base URL and the seconds the service took to become ready.
    """
    port = free_port()
    command = [sys.executable, "-m", "churn", "serve", "--registry", str(registry)]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    began = time.perf_counter()
    process = subprocess.Popen(
        command,
        env=os.environ | {"PYTHONPATH": pythonpath()},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_ready(url, process)
        yield url, time.perf_counter() - began
    finally:
        stop(process)


# --8<-- [start:startup]
def first_ok(client: httpx.Client, url: str, began: float, deadline: float) -> float:
    """Poll ``url`` every `POLL_S` until it answers 200; seconds since ``began``.

    Raises:
        RuntimeError: If the deadline passes first.
    """
    while time.perf_counter() < deadline:
        try:
            if client.get(url).status_code == 200:
                return time.perf_counter() - began
        except httpx.TransportError:
            pass  # the port is not open yet
        time.sleep(POLL_S)
    raise RuntimeError(f"{url} did not answer 200 within {START_TIMEOUT_S} s")


def start_once(registry: Path, log: IO[bytes]) -> tuple[float, float]:
    """Start ``churn serve --registry`` once; time its first healthy and ready answers.

    The clock starts just before the process is created, so the interpreter's own
    start and every import are counted, as an orchestrator's probes count them.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "churn", "serve", "--registry", str(registry)]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    env = os.environ | {"PYTHONPATH": pythonpath()}
    with httpx.Client(timeout=1) as client:
        began = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=log, stderr=log)
        try:
            deadline = began + START_TIMEOUT_S
            health = first_ok(client, f"{url}/health", began, deadline)
            ready = first_ok(client, f"{url}/ready", began, deadline)
        finally:
            stop(process)
    return health, ready


def startup(registry: Path, settings: Settings, log: IO[bytes]) -> StartupResult:
    """Start the service ``settings.starts`` times and keep every start's times."""
    times = [start_once(registry, log) for _ in range(settings.starts)]
    return StartupResult([h for h, _ in times], [r for _, r in times])


# --8<-- [end:startup]


def load_command(url: str, payloads: Path, settings: Settings) -> list[str]:
    """The command line of the load client for one run."""
    return [
        *(sys.executable, "-m", "benchmarks.load_client", "--url", f"{url}/predict"),
        *("--payloads", str(payloads), "--requests", str(settings.requests)),
        *("--warmup", str(settings.http_warmup)),
        *("--concurrency", str(settings.concurrency), "--max-seconds", str(LOAD_MAX_S)),
    ]


def http_result(output: dict[str, Any], startup_s: float) -> HttpResult:
    """Read the load client's JSON output.

    Raises:
        RuntimeError: If no request succeeded, naming the statuses seen.
    """
    if output["latency_ms"] is None:
        raise RuntimeError(f"no request succeeded; statuses: {output['statuses']}")
    return HttpResult(
        latency=LatencySummary.from_dict(output["latency_ms"]),
        requests_per_s=output["requests_per_s"],
        requested=output["requested"],
        completed=output["completed"],
        errors=output["errors"],
        statuses=output["statuses"],
        concurrency=output["concurrency"],
        startup_s=startup_s,
    )


def http_load(url: str, payloads: Path, settings: Settings) -> dict[str, Any]:
    """Run the load client in its own process and return its JSON output.

    Raises:
        RuntimeError: If the client fails, with the end of its stderr.
    """
    done = subprocess.run(
        load_command(url, payloads, settings),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=LOAD_MAX_S + 60,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"load client exited {done.returncode}: {done.stderr[-2000:]}"
        )
    return json.loads(done.stdout)


def _seconds(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


@contextmanager
def _snippets_on_child_path() -> Iterator[None]:
    """Let spawned Dask workers import churn, and restore the environment after."""
    previous = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = pythonpath()
    try:
        yield
    finally:
        if previous is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = previous


def _persist(client: Client, rows: pd.DataFrame, partitions: int) -> dd.DataFrame:
    """Put the rows in the workers' memory once, before anything is timed."""
    with warnings.catch_warnings():
        # The rows travel inside the graph this once, and Dask warns about its size;
        # this transfer is set-up, not part of any timed run.
        warnings.filterwarnings("ignore", "Sending large graph", UserWarning)
        frame = client.persist(dd.from_pandas(rows, npartitions=partitions))
    wait(frame)
    return frame


def _scheduler_tasks(client: Client) -> int:
    return client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks))


def _wait_released(client: Client, baseline: int, timeout_s: float = 60.0) -> None:
    """Wait until the scheduler has forgotten the last run's results.

    Computing the same graph again while its results are still held returns them
    from memory in milliseconds, which would time nothing.
    """
    deadline = time.monotonic() + timeout_s
    while _scheduler_tasks(client) > baseline:
        if time.monotonic() > deadline:
            raise RuntimeError(f"Dask still holds results after {timeout_s} s")
        time.sleep(0.01)


# --8<-- [start:batch]
def _dask_seconds(
    client: Client, model: Pipeline, rows: pd.DataFrame, settings: Settings
) -> list[float]:
    """Time `score_dask` on rows already in the workers' memory, run after run."""
    frame = _persist(client, rows, settings.partitions)
    baseline = _scheduler_tasks(client)
    scored = score_dask(model, frame)
    times = []
    for _ in range(settings.batch_repeats + 1):  # the first run warms the workers
        start = time.perf_counter()
        scores = scored.compute()  # ship the model, score, gather every score
        times.append(time.perf_counter() - start)
        if len(scores) != len(rows):
            raise RuntimeError(f"Dask scored {len(scores)} of {len(rows)} rows")
        _wait_released(client, baseline)
    return times[1:]


def batch(model: Pipeline, rows: pd.DataFrame, settings: Settings) -> BatchResult:
    """Median time to score the rows with pandas, then with Dask on worker processes.

    The Dask input is persisted on the workers before timing, as pandas' input is
    already in memory. Neither the cluster's start nor the first run of each
    engine, which imports and warms up, is timed.
    """
    score_frame(model, rows)  # warm-up
    pandas_s = [
        _seconds(lambda: score_frame(model, rows))
        for _ in range(settings.batch_repeats)
    ]
    with _snippets_on_child_path():
        began = time.perf_counter()
        with (
            LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address="127.0.0.1:0",  # None still binds port 8787
            ) as cluster,
            Client(cluster) as client,
        ):
            cluster_start_s = time.perf_counter() - began
            dask_s = _dask_seconds(client, model, rows, settings)
    return BatchResult(
        rows=len(rows),
        pandas_s=statistics.median(pandas_s),
        dask_s=statistics.median(dask_s),
        partitions=settings.partitions,
        workers=2,
        repeats=settings.batch_repeats,
        cluster_start_s=cluster_start_s,
    )


# --8<-- [end:batch]


def run(settings: Settings | None = None) -> ServiceReport:
    """Train and register a champion, then measure in-process, HTTP and batch scoring.

    Raises:
        RuntimeError: If the gate refused the model or it has no ONNX export.
    """
    settings = settings or Settings()
    _say(f"training on {settings.train_rows:,} rows")
    frame = generate(settings.train_rows, settings.seed)
    with tempfile.TemporaryDirectory() as tmp:
        registry = Registry(Path(tmp) / "registry")
        outcome = run_pipeline(frame, Config(), registry)
        if outcome.version is None:
            raise RuntimeError(f"the gate refused the model: {outcome.decision}")
        registry.promote(outcome.version)
        ref = registry.get(outcome.version)
        if ref.onnx_path is None or ref.onnx_sha256 is None:
            raise RuntimeError(
                f"the champion cannot be served by ONNX: {ref.onnx_note}"
            )
        model = registry.load(ref)  # the very files the service loads
        scorer = load_onnx(ref.onnx_path, ref.onnx_sha256)
        customers = records(frame)
        payloads = Path(tmp) / "payloads.json"
        payloads.write_text(json.dumps(customers), encoding="utf-8")
        _say(f"in-process: {settings.repeats:,} single records")
        floor, micro_batch, pipeline = in_process(model, scorer, customers, settings)
        _say(f"HTTP: {settings.requests:,} requests, {settings.concurrency} at once")
        with (
            (Path(tmp) / "service.log").open("wb") as log,
            running_service(registry.root, log) as (url, startup_s),
        ):
            http = http_result(http_load(url, payloads, settings), startup_s)
        _say(f"start-up: {settings.starts} starts of churn serve")
        with (Path(tmp) / "startup.log").open("wb") as log:
            started = startup(registry.root, settings, log)
    _say(f"batch: {settings.batch_rows:,} rows, pandas then Dask")
    rows = generate(settings.batch_rows, settings.seed + 1).drop(columns=TARGET)
    return ServiceReport(
        floor, micro_batch, pipeline, http, batch(model, rows, settings), started
    )


# --- Reporting -------------------------------------------------------------------


def verdict(p99_ms: float, errors: int, target_ms: float = TARGET_P99_MS) -> str:
    """Say whether p99 is under the target with zero errors, and by how much not."""
    problems = []
    if p99_ms >= target_ms:
        problems.append(f"target missed by {p99_ms - target_ms:.1f} ms")
    if errors:
        problems.append(f"{errors:,} error(s), where zero are allowed")
    return "; ".join(problems) if problems else "target met"


def _latency_row(
    name: str, s: LatencySummary, rate: str = "n/a", err: str = "n/a"
) -> str:
    # Three decimals: the in-process rows are tenths of a millisecond, and the
    # ratios below should be recomputable from the table.
    return (
        f"| {name} | {s.count:,} | {s.p50:.3f} | {s.p95:.3f} | {s.p99:.3f} "
        f"| {rate} | {err} |"
    )


def latency_table(report: ServiceReport) -> str:
    """Single-record latencies in ms: in-process rows, then HTTP under load."""
    http = report.http
    lines = [
        "| single record | samples | p50 (ms) | p95 (ms) | p99 (ms) | requests/s "
        "| errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
        _latency_row("in-process: ONNX Runtime, 1 record (the floor)", report.floor),
        _latency_row(
            "in-process: ONNX Runtime, 8 records in one call", report.micro_batch
        ),
        _latency_row(
            "in-process: pipeline `predict_proba`, 1-row DataFrame", report.pipeline
        ),
        _latency_row(
            f"HTTP `POST /predict`, {http.concurrency} concurrent",
            http.latency,
            f"{http.requests_per_s:.1f}",
            f"{http.errors:,}",
        ),
    ]
    return "\n".join(lines)


def startup_table(result: StartupResult) -> str:
    """Median and slowest start-up times, against the targets."""
    rows = [
        ("`/health` answers 200", result.health_s, TARGET_HEALTH_S),
        ("`/ready` answers 200", result.ready_s, TARGET_READY_S),
    ]
    lines = [
        f"| start-up, {len(result.health_s)} starts | median (s) | slowest (s) "
        "| target (s) |",
        "|---|---:|---:|---:|",
    ]
    for name, times, target in rows:
        median = statistics.median(times)
        lines.append(f"| {name} | {median:.2f} | {max(times):.2f} | < {target:g} |")
    return "\n".join(lines)


def batch_table(result: BatchResult) -> str:
    """Batch throughput of pandas and Dask on the same rows."""
    dask = (
        f"Dask `score_dask`, {result.workers} worker processes x 1 thread, "
        f"{result.partitions} partitions"
    )
    return "\n".join(
        [
            f"| batch scoring | rows | median of {result.repeats} (s) | rows/s |",
            "|---|---:|---:|---:|",
            f"| pandas `score_frame` | {result.rows:,} | {result.pandas_s:.2f} "
            f"| {result.pandas_rows_per_s:,.0f} |",
            f"| {dask} | {result.rows:,} | {result.dask_s:.2f} "
            f"| {result.dask_rows_per_s:,.0f} |",
        ]
    )


def markdown(report: ServiceReport) -> str:
    """Render every result as Markdown tables with their ratios and the verdict."""
    http, batch_result = report.http, report.batch
    p50 = ratio(http.latency.p50, report.floor.p50)
    p99 = ratio(http.latency.p99, report.floor.p99)
    target = verdict(http.latency.p99, http.errors)
    fast = ratio(report.pipeline.p50, report.floor.p50)
    return "\n\n".join(
        [
            latency_table(report),
            f"ONNX Runtime scores one record x{fast:.1f} faster than the pipeline "
            f"(p50), every probability within {TOLERANCE:g} of the pipeline's "
            "(proven at registration: `churn.export.check_parity`).",
            f"HTTP over in-process: p50 x{p50:.1f}, p99 x{p99:.1f}. Latency is "
            "measured by the client, from sending a request to reading its answer; "
            f"{http.completed:,} of {http.requested:,} requests completed.",
            f"Target: p99 under {TARGET_P99_MS:.0f} ms for single records at "
            f"concurrency {http.concurrency}, with zero errors: **{target}**.",
            startup_table(report.startup),
            "Start-up is timed from creating the process, on a registry whose "
            "champion has an ONNX export, polled every "
            f"{POLL_S * 1000:.0f} ms: **"
            + ("targets met" if report.startup.met else "targets missed")
            + "** (the slowest start decides).",
            batch_table(batch_result),
            f"Dask over pandas: x{batch_result.dask_over_pandas:.2f} rows/s.",
            f"Not timed: the Dask cluster took {batch_result.cluster_start_s:.1f} s "
            "to start.",
        ]
    )


def cpu_model(cpuinfo: Path = Path("/proc/cpuinfo")) -> str:
    """The CPU's model name from /proc/cpuinfo, or what `platform` knows."""
    try:
        for line in cpuinfo.read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name":
                return value.strip()
    except OSError:
        pass  # not Linux
    return platform.processor() or "unknown CPU"


def machine() -> Machine:
    """Describe this machine and the versions that matter for the numbers."""
    names = [
        *("scikit-learn", "onnxruntime", "pandas", "fastapi", "uvicorn"),
        *("dask", "distributed"),
    ]
    return Machine(
        cores=os.cpu_count() or 0,
        cpu=cpu_model(),
        python=platform.python_version(),
        system=f"{platform.system()} {platform.machine()}",
        date=datetime.now(UTC).strftime("%Y-%m-%d"),
        packages={name: version(name) for name in names},
    )


def fragment(report: ServiceReport, where: Machine) -> str:
    """A Markdown fragment for a docs page to include: provenance, then results."""
    packages = ", ".join(f"{k} {v}" for k, v in where.packages.items())
    return (
        "\n\n".join(
            [
                "<!-- Generated by `make bench` (benchmarks/service.py). Do not edit: "
                "run `make bench` again. -->",
                f"Measured on {where.date} on {where.cores} CPU cores ({where.cpu}), "
                f"{where.system}, Python {where.python}; {packages}.",
                markdown(report),
            ]
        )
        + "\n"
    )
