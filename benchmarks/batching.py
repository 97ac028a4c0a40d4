"""Do micro-batching and caching change throughput? Measured on a real model.

One run serves the same stream of single-record requests, sent by concurrent
clients, four ways:

1. one model call per request: the baseline;
2. micro-batched: `skills.microbatch.MicroBatcher` groups concurrent requests into
   one call;
3. cached: `skills.cache.PredictionCache` answers repeated records from memory and
   calls the model once per new record;
4. cached and micro-batched: the batcher's batch call goes through the cache.

The model is the reference system's churn pipeline, called as a whole: a DataFrame
built from the records, then ``predict_proba``. Every model call runs on one
thread, as one worker would. The four variants run in turn, repeat
after repeat, so machine load hits them alike; each reports its median requests/s
and its ratio to the baseline measured in the same run. Training and warm-up are
never timed.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

# `python -m benchmarks` starts from the repository root, where snippets/ is not on
# the import path (pytest adds it for the tests).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "snippets"))

import pandas as pd
from sklearn.pipeline import Pipeline

from benchmarks.latency import LatencySummary, ratio, summarize
from churn.config import Config
from churn.data import generate
from churn.features import FEATURES
from churn.train import train
from skills.cache import PredictionCache
from skills.microbatch import MicroBatcher

Record = dict[str, Any]
Predict = Callable[[Sequence[Record]], list[float]]
Answer = Callable[[Record], Awaitable[float]]
Variant = Callable[[Predict, Executor, "Settings"], AbstractAsyncContextManager[Answer]]


@dataclass(frozen=True)
class Settings:
    """Sizes of one benchmark run; the defaults are what `make bench` reports."""

    train_rows: int = 20_000
    seed: int = 7
    requests: int = 1_000
    distinct: int = 250
    concurrency: int = 32
    max_batch: int = 32
    max_wait_ms: float = 2.0
    repeats: int = 3

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            least = 0 if field.name in ("seed", "max_wait_ms") else 1
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{field.name} must be a number, got {value!r}")
            if value < least:
                raise ValueError(f"{field.name} must be >= {least}, got {value!r}")
        if self.distinct > self.requests:
            raise ValueError(
                f"distinct must be <= requests ({self.requests}), got {self.distinct}"
            )


@dataclass(frozen=True)
class Run:
    """One variant served the whole stream once."""

    seconds: float
    latencies_ms: tuple[float, ...]
    calls: int
    rows: int

    @property
    def requests_per_s(self) -> float:
        """Requests answered per second of wall time."""
        return len(self.latencies_ms) / self.seconds


@dataclass(frozen=True)
class VariantResult:
    """Every run of one way of serving, and their medians."""

    name: str
    runs: tuple[Run, ...]

    @property
    def requests_per_s(self) -> float:
        """Median requests per second over the runs."""
        return statistics.median(run.requests_per_s for run in self.runs)

    @property
    def calls(self) -> int:
        """Median number of model calls per run."""
        return statistics.median_low(run.calls for run in self.runs)

    @property
    def rows(self) -> int:
        """Median number of rows the model scored per run."""
        return statistics.median_low(run.rows for run in self.runs)

    @property
    def latency(self) -> LatencySummary:
        """Per-request latency, as the client saw it, over every run."""
        return summarize([ms for run in self.runs for ms in run.latencies_ms])


@dataclass(frozen=True)
class BatchingReport:
    """One benchmark run: its settings and a result per variant, baseline first."""

    settings: Settings
    variants: tuple[VariantResult, ...]


# --- The request stream and the model ----------------------------------------------


def request_stream(customers: pd.DataFrame, settings: Settings) -> list[Record]:
    """Return ``settings.requests`` records, each customer asked equally often.

    Records are plain JSON values, as a service receives them, in a seeded order.
    """
    records = json.loads(
        customers[FEATURES].head(settings.distinct).to_json(orient="records")
    )
    order = [i % len(records) for i in range(settings.requests)]
    random.Random(settings.seed).shuffle(order)
    return [records[i] for i in order]


def model_predict(model: Pipeline) -> Predict:
    """Score records through the whole pipeline: a DataFrame, then ``predict_proba``."""

    def predict(records: Sequence[Record]) -> list[float]:
        frame = pd.DataFrame(list(records), columns=FEATURES)
        return model.predict_proba(frame)[:, 1].tolist()

    return predict


class Counted:
    """Wrap a predict function and count its calls and the rows it scored."""

    def __init__(self, predict: Predict) -> None:
        self._predict = predict
        self.calls = 0
        self.rows = 0

    def __call__(self, records: Sequence[Record]) -> list[float]:
        """Count, then predict."""
        self.calls += 1
        self.rows += len(records)
        return self._predict(records)


# --- The four ways of serving --------------------------------------------------------


@asynccontextmanager
async def per_request(
    predict: Predict, executor: Executor, settings: Settings
) -> AsyncIterator[Answer]:
    """Answer each request with its own model call."""
    loop = asyncio.get_running_loop()

    async def answer(record: Record) -> float:
        (score,) = await loop.run_in_executor(executor, predict, [record])
        return score

    yield answer


@asynccontextmanager
async def micro_batched(
    predict: Predict, executor: Executor, settings: Settings
) -> AsyncIterator[Answer]:
    """Answer concurrent requests with shared batch calls."""
    async with MicroBatcher(
        predict,
        max_batch=settings.max_batch,
        max_wait_s=settings.max_wait_ms / 1000,
        executor=executor,
    ) as batcher:
        yield batcher.submit


def _cache(predict: Predict, settings: Settings) -> PredictionCache[float]:
    # Room for every customer: this measures hits, not evictions. Cold at the start.
    return PredictionCache(
        predict, model_version="bench", max_entries=settings.distinct
    )


@asynccontextmanager
async def cached(
    predict: Predict, executor: Executor, settings: Settings
) -> AsyncIterator[Answer]:
    """Answer repeated records from memory; one model call per new record."""
    cache = _cache(predict, settings)
    async with per_request(cache.predict, executor, settings) as answer:
        yield answer


@asynccontextmanager
async def cached_micro_batched(
    predict: Predict, executor: Executor, settings: Settings
) -> AsyncIterator[Answer]:
    """Micro-batch requests, and send only each batch's new records to the model."""
    cache = _cache(predict, settings)
    async with micro_batched(cache.predict, executor, settings) as answer:
        yield answer


BASELINE = "one call per request"
VARIANTS: dict[str, Variant] = {
    BASELINE: per_request,
    "micro-batched": micro_batched,
    "cached": cached,
    "cached + micro-batched": cached_micro_batched,
}


# --- Measuring -----------------------------------------------------------------------


def _say(message: str) -> None:
    """Report progress on stderr; stdout carries the report."""
    print(f"[batching benchmark] {message}", file=sys.stderr, flush=True)


async def drive(
    answer: Answer, stream: Sequence[Record], concurrency: int
) -> tuple[float, list[float]]:
    """Send the stream from ``concurrency`` clients, each waiting for its answer.

    Returns:
        The wall time for the whole stream, in seconds, and each request's
        latency in milliseconds, from sending it to receiving its answer.
    """
    pending = iter(stream)  # shared: each record is sent by exactly one client
    latencies: list[float] = []

    async def client() -> None:
        for record in pending:
            began = time.perf_counter()
            await answer(record)
            latencies.append((time.perf_counter() - began) * 1000)

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return time.perf_counter() - began, latencies


def measure(
    variant: Variant,
    predict: Predict,
    executor: Executor,
    stream: Sequence[Record],
    settings: Settings,
) -> Run:
    """Serve the stream once with one variant, counting the model's calls and rows."""
    counted = Counted(predict)

    async def main() -> tuple[float, list[float]]:
        async with variant(counted, executor, settings) as answer:
            return await drive(answer, stream, settings.concurrency)

    seconds, latencies = asyncio.run(main())
    return Run(seconds, tuple(latencies), counted.calls, counted.rows)


def run(settings: Settings | None = None) -> BatchingReport:
    """Train the churn model, then serve the same stream every way, repeatedly."""
    settings = settings or Settings()
    _say(f"training on {settings.train_rows:,} rows")
    model = train(generate(settings.train_rows, settings.seed), Config())
    predict = model_predict(model)
    stream = request_stream(generate(settings.distinct, settings.seed + 1), settings)
    runs: dict[str, list[Run]] = {name: [] for name in VARIANTS}
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="model") as executor:
        executor.submit(predict, stream[: settings.max_batch]).result()  # warm-up
        for repeat in range(settings.repeats):
            _say(f"run {repeat + 1} of {settings.repeats}")
            for name, variant in VARIANTS.items():
                runs[name].append(measure(variant, predict, executor, stream, settings))
    results = tuple(VariantResult(name, tuple(runs[name])) for name in VARIANTS)
    return BatchingReport(settings, results)


# --- Reporting -----------------------------------------------------------------------


def table(report: BatchingReport) -> str:
    """One row per variant: model calls, rows, throughput, its ratio, latency."""
    baseline = report.variants[0].requests_per_s
    lines = [
        f"| serving path | model calls | rows scored | requests/s | vs {BASELINE} "
        "| p50 (ms) | p99 (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for v in report.variants:
        speed = ratio(v.requests_per_s, baseline)
        lines.append(
            f"| {v.name} | {v.calls:,} | {v.rows:,} | {v.requests_per_s:,.0f} "
            f"| x{speed:.1f} | {v.latency.p50:.1f} | {v.latency.p99:.1f} |"
        )
    return "\n".join(lines)


def markdown(report: BatchingReport) -> str:
    """The setup in one paragraph, then the table."""
    s = report.settings
    setup = (
        f"{s.requests:,} single-record requests from {s.concurrency} concurrent "
        f"clients, drawn from {s.distinct:,} distinct customers (each asked "
        f"{s.requests / s.distinct:g} times, in a seeded order), scored by the churn "
        f"pipeline on one model thread. Micro-batches hold up to {s.max_batch} "
        f"records and wait at most {s.max_wait_ms:g} ms; the cache starts empty in "
        f"every run. Requests/s is the median of {s.repeats} interleaved runs; "
        "latency is per request, as the client saw it, over all runs."
    )
    return f"{setup}\n\n{table(report)}"


def provenance() -> str:
    """Where and with what the numbers were measured."""
    packages = ", ".join(
        f"{name} {version(name)}" for name in ("scikit-learn", "pandas")
    )
    return (
        f"Measured on {datetime.now(UTC):%Y-%m-%d} on {os.cpu_count()} CPU cores, "
        f"{platform.system()} {platform.machine()}, Python "
        f"{platform.python_version()}; {packages}."
    )


def fragment(report: BatchingReport, where: str) -> str:
    """A Markdown fragment for a docs page to include: provenance, then results."""
    note = (
        "<!-- Generated by `make bench` (benchmarks/batching.py). Do not edit: "
        "run `make bench` again. -->"
    )
    return f"{note}\n\n{where}\n\n{markdown(report)}\n"
