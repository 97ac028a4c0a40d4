"""Batch scoring past a memory budget: pandas holds every row, Dask holds partitions.

One run, on this machine:

1. Writes ``rows`` generated customers (no label) as Parquet files of
   ``rows_per_file`` rows each, seeded, generated one file at a time.
2. Scores them with pandas in one process: every file read into one frame,
   `churn.batch.score_frame`, one Parquet file out.
3. Scores them with `churn.batch.score_files` on a local Dask cluster of one,
   then two, worker processes (one thread each): one partition per file.

Each run is a child process of its own, started fresh. Its peak memory is the
largest sum of the resident memory (RSS) of that process and all its descendants
(Dask's scheduler, nanny and worker processes), sampled every `SAMPLE_S` by psutil.
A sum of RSS counts pages shared between processes more than once, so it is an
upper bound, never flattering. Time is measured inside the child around the
scoring call only: imports, the model load and the cluster start are not timed.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
SAMPLE_S = 0.05
GIB = 1024**3
RUN_TIMEOUT_S = 3600.0  # bounds one child's run; not a measurement


@dataclass(frozen=True)
class Settings:
    """Sizes of one run; the defaults are what `make bench` reports."""

    # The contract's IDs have seven digits, so ten million customers at most.
    rows: int = 10_000_000
    rows_per_file: int = 500_000
    budget_gib: float = 2.0
    train_rows: int = 20_000
    seed: int = 7
    workers: tuple[int, ...] = (1, 2)


@dataclass(frozen=True)
class EngineRun:
    """One engine's run over the whole dataset."""

    engine: str
    workers: int
    rows: int
    seconds: float
    peak_bytes: int

    @property
    def rows_per_s(self) -> float:
        """Rows scored per second of scoring."""
        return self.rows / self.seconds

    @property
    def peak_gib(self) -> float:
        """Peak memory of the run's processes, in GiB."""
        return self.peak_bytes / GIB


@dataclass(frozen=True)
class ScaleReport:
    """Every run of one benchmark, on the same files."""

    rows: int
    files: int
    budget_gib: float
    dataset_bytes: int
    runs: list[EngineRun]


# The child processes: each prints one JSON line with the rows and the seconds.
PANDAS_JOB = """
import json, sys, time
import pandas as pd
from churn.artifacts import load_model
from churn.batch import score_frame

source, out, model_file, digest = sys.argv[1:5]
model = load_model(model_file, digest)
start = time.perf_counter()
frame = pd.read_parquet(source)  # every row in memory at once: the pandas way
scores = score_frame(model, frame)
scores.to_parquet(out, index=False)
print(json.dumps({"rows": len(scores), "seconds": time.perf_counter() - start}))
"""

DASK_JOB = """
import json, sys, time
from distributed import LocalCluster
from churn.artifacts import load_model
from churn.batch import score_files

source, out, model_file, digest, workers = sys.argv[1:6]
model = load_model(model_file, digest)
with LocalCluster(
    n_workers=int(workers),
    threads_per_worker=1,
    processes=True,
    host="127.0.0.1",
    dashboard_address="127.0.0.1:0",
) as cluster:
    start = time.perf_counter()
    summary = score_files(model, f"{source}/*.parquet", out, cluster.scheduler_address)
    seconds = time.perf_counter() - start
print(json.dumps({"rows": summary.rows, "seconds": seconds}))
"""


def _say(message: str) -> None:
    print(f"[batch-scale benchmark] {message}", file=sys.stderr, flush=True)


def write_dataset(folder: Path, settings: Settings) -> int:
    """Write the customers to score as Parquet files; return their total bytes."""
    from churn.data import ID, TARGET, generate

    folder.mkdir(parents=True)
    files = -(-settings.rows // settings.rows_per_file)  # ceiling division
    for index in range(files):
        rows = min(
            settings.rows_per_file, settings.rows - index * settings.rows_per_file
        )
        frame = generate(rows, seed=settings.seed + 1 + index).drop(columns=TARGET)
        # IDs restart in every generated frame; number them on across the files,
        # so the pandas run, which checks the whole frame, finds them unique.
        first = index * settings.rows_per_file
        frame[ID] = [f"C{number:07d}" for number in range(first, first + rows)]
        frame.to_parquet(folder / f"part-{index:04d}.parquet", index=False)
    return sum(path.stat().st_size for path in folder.glob("*.parquet"))


def tree_rss(process: psutil.Process) -> int:
    """Resident bytes of a process and all its descendants, now."""
    total = 0
    for member in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):  # ended since it was listed
            total += member.memory_info().rss
    return total


def run_child(code: str, args: list[str]) -> tuple[dict[str, Any], int]:
    """Run a child job, sampling its process tree's memory until it ends.

    Returns:
        The child's JSON output and the peak of its tree's resident memory.

    Raises:
        RuntimeError: If the child fails, with the end of its stderr.
    """
    env = os.environ | {"PYTHONPATH": str(SNIPPETS)}
    with subprocess.Popen(
        [sys.executable, "-c", code, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as child:
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            try:  # a child that fails at once can be gone before the first look
                watched = psutil.Process(child.pid)
                while not done.is_set():
                    peak = max(peak, tree_rss(watched))
                    time.sleep(SAMPLE_S)
            except psutil.NoSuchProcess:
                return

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        out, err = child.communicate(timeout=RUN_TIMEOUT_S)
        done.set()
        sampler.join()
    if child.returncode != 0:
        raise RuntimeError(f"the job exited {child.returncode}: {err[-2000:]}")
    return json.loads(out.splitlines()[-1]), peak


def run(settings: Settings | None = None) -> ScaleReport:
    """Write the dataset, then score it with pandas and with Dask at each size."""
    from churn.artifacts import save_model
    from churn.config import Config
    from churn.data import generate
    from churn.train import train

    settings = settings or Settings()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        model_file = folder / "model.skops"
        model = train(generate(settings.train_rows, settings.seed), Config())
        digest = save_model(model, model_file)
        _say(f"writing {settings.rows:,} rows as Parquet")
        dataset_bytes = write_dataset(folder / "customers", settings)
        files = len(list((folder / "customers").glob("*.parquet")))
        common = [str(folder / "customers"), "", str(model_file), digest]
        runs = []
        _say("pandas: every row in one frame")
        common[1] = str(folder / "scores-pandas.parquet")
        output, peak = run_child(PANDAS_JOB, common)
        runs.append(EngineRun("pandas", 1, output["rows"], output["seconds"], peak))
        for workers in settings.workers:
            _say(f"Dask: {workers} worker process(es)")
            common[1] = str(folder / f"scores-dask-{workers}")
            output, peak = run_child(DASK_JOB, [*common, str(workers)])
            runs.append(
                EngineRun("Dask", workers, output["rows"], output["seconds"], peak)
            )
    return ScaleReport(settings.rows, files, settings.budget_gib, dataset_bytes, runs)


def markdown(report: ScaleReport) -> str:
    """The runs as a table, with each run's ratio to pandas and the budget."""
    pandas = report.runs[0]
    lines = [
        f"| engine | processes scoring | peak memory (GiB) "
        f"| within {report.budget_gib:g} GiB | seconds | rows/s | rows/s vs pandas |",
        "|---|---:|---:|---|---:|---:|---:|",
    ]
    for run in report.runs:
        within = "yes" if run.peak_gib <= report.budget_gib else "**no**"
        speed = run.rows_per_s / pandas.rows_per_s
        lines.append(
            f"| {run.engine} | {run.workers} | {run.peak_gib:.2f} | {within} "
            f"| {run.seconds:.1f} | {run.rows_per_s:,.0f} | x{speed:.2f} |"
        )
    dask = report.runs[1:]
    least = min(dask, key=lambda r: r.peak_bytes)
    return "\n\n".join(
        [
            "\n".join(lines),
            f"{report.rows:,} customers in {report.files} Parquet files "
            f"({report.dataset_bytes / GIB:.2f} GiB on disk), scored by each engine "
            "from the same files. Peak memory is the largest sum of resident memory "
            "of the job's processes (Dask's scheduler and workers included), sampled "
            f"every {SAMPLE_S * 1000:.0f} ms: an upper bound.",
            f"pandas peaked at x{pandas.peak_bytes / least.peak_bytes:.1f} the memory "
            f"of Dask with {least.workers} worker(s).",
        ]
    )


def provenance() -> str:
    """Where and with what the numbers were measured."""
    names = ["pandas", "pyarrow", "scikit-learn", "dask", "distributed"]
    packages = ", ".join(f"{name} {version(name)}" for name in names)
    memory = psutil.virtual_memory().total / GIB
    return (
        f"Measured on {datetime.now(UTC):%Y-%m-%d} on {os.cpu_count()} CPU cores, "
        f"{memory:.0f} GiB of memory, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}; {packages}."
    )


def fragment(report: ScaleReport, where: str) -> str:
    """A Markdown fragment for the batch page to include."""
    header = (
        "<!-- Generated by `make bench` (benchmarks/batch_scale.py). Do not edit: "
        "run `make bench` again. -->"
    )
    return "\n\n".join([header, where, markdown(report)]) + "\n"
