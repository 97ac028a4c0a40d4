"""One answer to the exercise of docs/capstone/batch.md.

The manifest must be written where the scores are staged, so it belongs in the
scoring function, not in the command: only there does it get into the staging
folder before the folder replaces the previous output. What only the command knows
(the model's version and hash, from the registry) comes in as arguments. The name
starts with an underscore so that ``pd.read_parquet(folder)`` skips it. Read it after
your own attempt.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
from distributed import Client
from sklearn.pipeline import Pipeline

from churn.batch import BatchSummary, _read, score_dask

MANIFEST = "_manifest.json"


def utc_now() -> datetime:
    """The time now, in UTC."""
    return datetime.now(UTC)


def score_files_with_manifest(
    model: Pipeline,
    inputs: str | Path | list[str | Path],
    output_dir: str | Path,
    *,
    model_version: int,
    model_sha256: str,
    now: Callable[[], datetime] = utc_now,
    scheduler: str | None = None,
) -> BatchSummary:
    """Score files as ``churn.batch.score_files`` does, and write ``_manifest.json``.

    The manifest is written into the staging folder with the Parquet files, so the
    two replace the previous output together, or not at all.

    Args:
        model: A fitted churn pipeline.
        inputs: A CSV or Parquet path, a glob, or a list, as for ``score_files``.
        output_dir: The folder to write the Parquet files and the manifest into.
        model_version: The registered version of ``model``.
        model_sha256: The SHA-256 of its artifact, as the registry records it.
        now: Returns the time of the run, in UTC; tests pass a fixed one.
        scheduler: A Dask scheduler address, or None to compute locally.

    Returns:
        How many rows were scored, in how many partitions, into which files.
    """
    scored_at = now()
    frame = _read(inputs, "64MB")
    output = Path(output_dir)
    staging = output.with_name(f"{output.name}.partial")
    client = contextlib.nullcontext() if scheduler is None else Client(scheduler)
    with client:
        score_dask(model, frame).to_parquet(staging, write_index=False, overwrite=True)
    rows = sum(pq.read_metadata(path).num_rows for path in staging.glob("*.parquet"))
    manifest = {
        "model_version": model_version,
        "model_sha256": model_sha256,
        "rows": rows,
        "scored_at": scored_at.isoformat(),
    }
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    if output.exists():
        shutil.rmtree(output)
    staging.rename(output)
    files = tuple(sorted(output.glob("*.parquet")))
    return BatchSummary(rows=rows, partitions=frame.npartitions, files=files)
