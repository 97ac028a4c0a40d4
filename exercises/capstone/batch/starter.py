"""Exercise: write a manifest beside a batch run's scores.

From docs/capstone/batch.md. Downstream jobs cannot tell which model produced a
folder of scores. Make a run also write ``_manifest.json`` next to the Parquet
files: the model's version and artifact hash, the rows written and the time of the
run, replaced together with the scores or not at all.

Edit this file, then run ``make exercise NAME=capstone/batch``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sklearn.pipeline import Pipeline

from churn.batch import BatchSummary, score_files

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
    # TODO: score_files stages the Parquet files in "<output_dir>.partial" and only
    # then renames that folder to output_dir. Do the same steps here (its parts are
    # churn.batch._read and churn.batch.score_dask), and write MANIFEST into the
    # staging folder before the rename, as JSON with the keys model_version,
    # model_sha256, rows and scored_at (now().isoformat()).
    return score_files(model, inputs, output_dir, scheduler=scheduler)
