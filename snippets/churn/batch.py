"""Batch scoring: one pandas function, run as is on a laptop or across a Dask cluster.

Batch jobs go wrong when the code that scores a million rows is not the code that
was tested on a thousand. Here `score_frame` is the only place a row becomes a
probability; `score_dask` runs that same function on every partition, and
`score_files` only adds reading, writing and where to compute. The same call scales
from a laptop (``scheduler=None``: Dask's local threads) to a cluster (pass its
scheduler's address): no code changes, only an argument.
"""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import dask.dataframe as dd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from distributed import Client
from sklearn.pipeline import Pipeline

from churn.data import DTYPES, ID, validate
from churn.features import FEATURES

PROBABILITY = "churn_probability"


# --8<-- [start:score]
def score_frame(model: Pipeline, frame: pd.DataFrame) -> pd.DataFrame:
    """Check rows against the scoring contract, then score every one of them.

    A frame that still carries the ``churned`` label is refused, not trimmed: a
    label in a scoring batch means someone picked the wrong file (often the training
    data), and dropping it silently would hide that.

    Args:
        model: A fitted churn pipeline.
        frame: Customer rows: ID and features, no label.

    Returns:
        ``customer_id`` and ``churn_probability`` (float) for every row, with the
        input's index so the scores join back to their rows.

    Raises:
        DataContractError: Naming each failing column, its rule and an example.
    """
    validate(frame, with_target=False)
    # A filtered Dask frame can have empty partitions; scikit-learn refuses 0 rows.
    scores = model.predict_proba(frame[FEATURES])[:, 1] if len(frame) else []
    return pd.DataFrame(
        {ID: frame[ID], PROBABILITY: np.asarray(scores, dtype=float)},
        index=frame.index,
    )


def _score_partition(partition: pd.DataFrame, model: Pipeline) -> pd.DataFrame:
    """`score_frame` with the argument order Dask's map_partitions passes."""
    return score_frame(model, partition)


def score_dask(model: Pipeline, frame: dd.DataFrame) -> dd.DataFrame:
    """Score a Dask frame lazily: `score_frame` on each partition, nothing else.

    Because every partition goes through the tested pandas function, Dask's result
    equals pandas' row for row. ``meta`` tells Dask the output's columns and types
    without running the model on fake rows.

    Args:
        model: A fitted churn pipeline. It travels inside the task graph, which suits
            a model of a few MB; scatter a large one to the workers first.
        frame: Customer rows: ID and features, no label.

    Returns:
        A lazy frame of ``customer_id`` and ``churn_probability``.
    """
    meta = pd.DataFrame(
        {
            ID: pd.Series(dtype=frame.dtypes[ID]),
            PROBABILITY: pd.Series(dtype=float),
        }
    )
    return frame.map_partitions(_score_partition, model, meta=meta)


# --8<-- [end:score]


@dataclass(frozen=True)
class BatchSummary:
    """What a batch run wrote: rows scored, partitions, and the Parquet files."""

    rows: int
    partitions: int
    files: tuple[Path, ...]


# --8<-- [start:files]
def score_files(
    model: Pipeline,
    inputs: str | Path | list[str | Path],
    output_dir: str | Path,
    scheduler: str | None = None,
    blocksize: str | int = "64MB",
) -> BatchSummary:
    """Score CSV or Parquet files into Parquet, on this machine or on a Dask cluster.

    The same call runs on a laptop and on a real cluster: ``scheduler=None`` uses
    Dask's local threads; an address such as ``"tcp://scheduler:8786"`` connects a
    client to that cluster for this call only, and closes it afterwards. No cluster
    is started here: starting one is the platform's job, not the scoring code's.

    The output folder is replaced whole, and only once every partition is written:
    parts go to ``<output_dir>.partial`` first. Readers never see half a batch or a
    mix of two runs, a failed run leaves the previous result in place, and a re-run
    gives the same files. Parquet keeps the scores exact and typed; pyarrow, which
    writes it, comes with ``dask[dataframe]``.

    On a cluster the workers read the inputs and write the output, so both must be
    on storage every worker reaches (a shared filesystem), not one machine's disk.

    Args:
        model: A fitted churn pipeline.
        inputs: A CSV or Parquet path, a glob such as ``"data/2025-01-*.csv"``,
            or a list. Names ending in ``.parquet`` are read as Parquet, one
            partition per file; anything else as CSV.
        output_dir: The folder to write one Parquet file per partition into.
        scheduler: A Dask scheduler address, or None to compute locally.
        blocksize: How many bytes of CSV each partition reads.

    Returns:
        How many rows were scored, in how many partitions, into which files.

    Raises:
        DataContractError: If any partition breaks the contract; the first failing
            partition stops the run and ``output_dir`` is left as it was.
    """
    frame = _read(inputs, blocksize)
    output = Path(output_dir)
    staging = output.with_name(f"{output.name}.partial")
    client = contextlib.nullcontext() if scheduler is None else Client(scheduler)
    with client:
        score_dask(model, frame).to_parquet(staging, write_index=False, overwrite=True)
    if output.exists():
        shutil.rmtree(output)  # the previous run's result, replaced whole
    staging.rename(output)
    files = tuple(sorted(output.glob("*.parquet")))
    # The row count comes from the files' footers: what was written, not planned.
    rows = sum(pq.read_metadata(path).num_rows for path in files)
    return BatchSummary(rows=rows, partitions=frame.npartitions, files=files)


# --8<-- [end:files]


def _read(inputs: str | Path | list[str | Path], blocksize: str | int) -> dd.DataFrame:
    """Read the inputs lazily: Parquet (by name) with its own types, else CSV."""
    names = [str(name) for name in (inputs if isinstance(inputs, list) else [inputs])]
    if all(name.endswith(".parquet") for name in names):
        return dd.read_parquet(names if len(names) > 1 else names[0])
    return dd.read_csv(inputs, dtype=DTYPES, blocksize=blocksize)
