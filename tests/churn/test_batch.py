import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from distributed import LocalCluster, default_client

from churn.batch import (
    PROBABILITY,
    score_dask,
    score_files,
    score_frame,
)
from churn.data import ID, TARGET, DataContractError, generate, save_csv
from churn.features import FEATURES


@pytest.fixture(scope="module")
def batch() -> pd.DataFrame:
    """Rows to score: a population the model was not trained on, without labels."""
    return generate(900, seed=11).drop(columns=TARGET)


@pytest.fixture(scope="module")
def cluster():
    """One real two-worker cluster for the module, reached over TCP on loopback.

    Workers run as threads of this process (processes=False): starting worker
    processes costs tens of seconds on two cores and tests nothing more here. The
    TCP protocol still makes the client pickle tasks and results, as on a cluster.
    The scheduler always serves HTTP (health, metrics); ``dashboard_address=None``
    would put it on port 8787, which a parallel test run may hold, so it gets a
    free port on loopback instead.
    """
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
    ) as local:
        yield local


def test_score_frame_scores_every_row_with_the_model(model, batch):
    scores = score_frame(model, batch)
    assert list(scores.columns) == [ID, PROBABILITY]
    assert scores[PROBABILITY].dtype == np.float64
    assert scores[ID].tolist() == batch[ID].tolist()
    expected = model.predict_proba(batch[FEATURES])[:, 1]
    np.testing.assert_array_equal(scores[PROBABILITY].to_numpy(), expected)
    assert scores[PROBABILITY].between(0, 1).all()


def test_score_frame_refuses_a_batch_that_still_has_the_label(model, frame):
    with pytest.raises(DataContractError, match="column 'churned': unexpected column"):
        score_frame(model, frame.head(5))


def test_dask_gives_the_same_scores_as_pandas(model, batch):
    from_dask = score_dask(model, dd.from_pandas(batch, npartitions=3))
    assert from_dask.npartitions == 3
    # Dask stores strings as Arrow-backed strings; the values must be identical.
    pd.testing.assert_frame_equal(
        from_dask.compute(), score_frame(model, batch), check_dtype=False
    )
    assert from_dask.compute()[PROBABILITY].dtype == np.float64


def test_empty_partitions_after_a_filter_score_to_empty_frames(model, batch):
    lazy = dd.from_pandas(batch, npartitions=3)
    first_rows = lazy[lazy[ID] <= batch[ID].iloc[9]]  # partitions 2 and 3 now empty
    from_dask = score_dask(model, first_rows)
    assert from_dask.map_partitions(len).compute().tolist() == [10, 0, 0]
    np.testing.assert_array_equal(
        from_dask.compute()[PROBABILITY],
        score_frame(model, batch.head(10))[PROBABILITY],
    )


def test_invalid_rows_in_one_partition_fail_the_batch_naming_the_column(model, batch):
    bad = batch.copy()
    bad.loc[bad.index[500], "tenure_months"] = -4  # in the second partition
    with pytest.raises(DataContractError, match="column 'tenure_months' failed"):
        score_dask(model, dd.from_pandas(bad, npartitions=3)).compute()


def _write_parts(batch: pd.DataFrame, folder) -> list:
    """Write the batch as two CSV files, the way a daily export arrives."""
    return [
        save_csv(batch.iloc[:400], folder / "part-1.csv"),
        save_csv(batch.iloc[400:], folder / "part-2.csv"),
    ]


def _read_scores(folder) -> pd.DataFrame:
    return pd.read_parquet(folder).sort_values(ID, ignore_index=True)


def test_score_files_writes_parquet_locally(model, batch, tmp_path):
    _write_parts(batch, tmp_path / "in")
    out = tmp_path / "out"
    (out / "stale").mkdir(parents=True)  # a previous run's leftovers are replaced
    summary = score_files(model, str(tmp_path / "in" / "*.csv"), out)
    assert summary.rows == len(batch)
    assert summary.partitions == len(summary.files) == 2
    assert not (out / "stale").exists()
    assert not (tmp_path / "out.partial").exists()  # staged, then moved in place
    expected = score_frame(model, batch).reset_index(drop=True)
    pd.testing.assert_frame_equal(_read_scores(out), expected, check_dtype=False)


@pytest.mark.parametrize("as_list", [False, True])
def test_score_files_reads_parquet_one_partition_per_file(
    model, batch, tmp_path, as_list
):
    folder = tmp_path / "in"
    folder.mkdir()
    halves = [batch.iloc[: len(batch) // 2], batch.iloc[len(batch) // 2 :]]
    paths = [folder / f"part-{i}.parquet" for i in range(2)]
    for half, path in zip(halves, paths, strict=True):
        half.to_parquet(path, index=False)
    inputs = paths if as_list else str(folder / "*.parquet")
    summary = score_files(model, inputs, tmp_path / "out")
    assert (summary.rows, summary.partitions) == (len(batch), 2)
    expected = score_frame(model, batch).reset_index(drop=True)
    scores = _read_scores(tmp_path / "out")
    pd.testing.assert_frame_equal(scores, expected, check_dtype=False)


def test_score_files_runs_on_a_cluster_given_its_address(
    model, batch, tmp_path, cluster
):
    paths = _write_parts(batch, tmp_path / "in")
    summary = score_files(
        model, paths, tmp_path / "out", cluster.scheduler_address, blocksize=10_000
    )
    assert summary.rows == len(batch)
    assert summary.partitions == len(summary.files) > 2  # small blocks split files
    assert "score_partition" in cluster.scheduler.task_prefixes  # ran there
    with pytest.raises(ValueError, match="No clients found"):
        default_client()  # the call closed its client; the cluster is untouched
    expected = score_frame(model, batch).reset_index(drop=True)
    pd.testing.assert_frame_equal(
        _read_scores(tmp_path / "out"), expected, check_dtype=False
    )


def test_invalid_rows_on_a_cluster_still_raise_the_contract_error(
    model, batch, tmp_path, cluster
):
    bad = batch.copy()
    bad.loc[bad.index[3], "region"] = "mars"
    path = save_csv(bad, tmp_path / "bad.csv")
    previous = tmp_path / "out" / "part.0.parquet"
    previous.parent.mkdir()
    previous.write_bytes(b"yesterday's scores")
    with pytest.raises(DataContractError, match="column 'region' failed isin"):
        score_files(model, path, tmp_path / "out", cluster.scheduler_address)
    assert previous.read_bytes() == b"yesterday's scores"  # left as it was
