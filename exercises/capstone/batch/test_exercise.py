"""Checks for the exercise of docs/capstone/batch.md: a manifest beside the scores."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from churn.batch import PROBABILITY, score_frame
from churn.config import Config, ModelConfig
from churn.data import ID, TARGET, DataContractError, generate, save_csv
from churn.train import train

MANIFEST = "_manifest.json"
SHA256 = "ab" * 32
WHEN = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def model():
    """A small model: fewer trees than the default run, to train in a moment."""
    return train(generate(1_500, seed=7), Config(model=ModelConfig(max_iter=20)))


@pytest.fixture(scope="module")
def batch() -> pd.DataFrame:
    """Customers to score, without the label."""
    return generate(600, seed=11).drop(columns=TARGET)


def inputs(batch: pd.DataFrame, folder: Path) -> str:
    """The batch as two CSV files, as a daily export arrives; their glob."""
    save_csv(batch.iloc[:250], folder / "in" / "part-1.csv")
    save_csv(batch.iloc[250:], folder / "in" / "part-2.csv")
    return str(folder / "in" / "*.csv")


def score(exercise: ModuleType, model, files: str, out: Path, version: int = 3):
    """Run the file under check's scoring, its clock fixed at WHEN."""
    return exercise.score_files_with_manifest(
        model, files, out, model_version=version, model_sha256=SHA256, now=lambda: WHEN
    )


def manifest(out: Path) -> dict:
    """The manifest in an output folder, read as JSON."""
    path = out / MANIFEST
    assert path.is_file(), (
        f"no {MANIFEST} in the output folder, which holds "
        f"{sorted(p.name for p in out.iterdir())}: write it next to the Parquet files"
    )
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def run(exercise: ModuleType, model, batch, tmp_path_factory: pytest.TempPathFactory):
    """One run of the file under check: its output folder and summary."""
    folder = tmp_path_factory.mktemp("run")
    out = folder / "scores"
    return out, score(exercise, model, inputs(batch, folder), out)


def test_the_scores_are_written_as_before(exercise: ModuleType, run, model, batch):
    """The scores are written as score_files writes them: every row, read as one."""
    out, summary = run
    try:
        scores = pd.read_parquet(out).sort_values(ID, ignore_index=True)
    except Exception as error:  # pyarrow's, said in the terms of the exercise
        others = sorted(
            path.name
            for path in out.iterdir()
            if path.suffix != ".parquet" and not path.name.startswith(("_", "."))
        )
        pytest.fail(
            f"pd.read_parquet(output folder), as downstream jobs read it, fails with "
            f"{type(error).__name__}: it reads {others} as Parquet too; it skips only "
            "names that start with _ or .",
            pytrace=False,
        )
    expected = score_frame(model, batch).reset_index(drop=True)
    assert len(scores) == summary.rows == len(batch), (
        f"{len(scores)} rows in the folder and {summary.rows} in the summary: want "
        f"every one of the {len(batch)} customers"
    )
    assert scores[PROBABILITY].tolist() == expected[PROBABILITY].tolist(), (
        "the probabilities differ from churn.batch.score_frame's: score with it"
    )


def test_the_manifest_names_the_model(exercise: ModuleType, run) -> None:
    """_manifest.json names the model: its version and its artifact's hash."""
    found = manifest(run[0])
    named = (found.get("model_version"), found.get("model_sha256"))
    assert named == (3, SHA256), (
        f"the manifest's model_version and model_sha256 are {named}: want the "
        f"version and hash the run was given, (3, {SHA256[:8]}...)"
    )


def test_the_manifest_counts_the_rows(exercise: ModuleType, run) -> None:
    """_manifest.json counts the rows written."""
    out, summary = run
    rows = manifest(out).get("rows")
    assert rows == summary.rows == 600, (
        f"the manifest's rows is {rows!r}: the run wrote {summary.rows} rows"
    )


def test_the_manifest_says_when(exercise: ModuleType, run) -> None:
    """_manifest.json says when the run happened, in UTC, from the clock it is given."""
    when = manifest(run[0]).get("scored_at")
    assert when == WHEN.isoformat(), (
        f"the manifest's scored_at is {when!r}: the clock said {WHEN.isoformat()!r} "
        "(call now() and write its isoformat())"
    )


def test_the_manifest_moves_in_with_the_scores(
    exercise: ModuleType,
    model,
    batch,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """_manifest.json is in the staging folder when it replaces the output."""
    moves: list[tuple[Path, bool]] = []
    for name in ("rename", "replace"):
        original = getattr(os, name)

        def spy(source, target, *args, original=original, **kwargs):
            if Path(source).is_dir():
                moves.append((Path(target), (Path(source) / MANIFEST).is_file()))
            return original(source, target, *args, **kwargs)

        monkeypatch.setattr(os, name, spy)
    out = tmp_path / "scores"
    score(exercise, model, inputs(batch, tmp_path), out)
    into_place = [has for target, has in moves if target.resolve() == out.resolve()]
    assert into_place, (
        "no folder was moved into place as the output: stage the scores and the "
        "manifest in a folder of their own, then rename it, as score_files does"
    )
    assert all(into_place), (
        f"the staging folder held no {MANIFEST} when it became the output: write "
        "the manifest into it before it replaces the previous output"
    )


def test_a_failed_run_keeps_the_previous_manifest(
    exercise: ModuleType, model, batch, tmp_path: Path
) -> None:
    """A failed run leaves the previous scores and manifest in place."""
    out = tmp_path / "scores"
    score(exercise, model, inputs(batch, tmp_path), out, version=1)
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    bad = batch.assign(region=["mars", *batch["region"].iloc[1:]])
    with pytest.raises(DataContractError, match="region"):
        score(exercise, model, inputs(bad, tmp_path / "bad"), out, version=2)
    after = {path.name: path.read_bytes() for path in out.iterdir()}
    assert after == before, (
        f"after a run that broke the data contract the output holds {sorted(after)}, "
        f"changed from {sorted(before)}: a failed run must leave it as it was"
    )
    assert manifest(out).get("model_version") == 1, (
        "after the failed run of version 2, the manifest no longer names version 1"
    )
