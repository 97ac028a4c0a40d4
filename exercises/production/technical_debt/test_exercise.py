"""Checks for the exercise of docs/production/technical-debt.md: leave one out."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pytest
from threadpoolctl import threadpool_limits

import churn
from churn.config import Config, ModelConfig
from churn.data import generate
from churn.evaluate import evaluate
from churn.features import FEATURES
from churn.train import split, train

SNIPPETS = Path(churn.__file__).resolve().parent.parent
ROOT = SNIPPETS.parent
# Small and quick: the checks compare numbers, they do not judge the features.
SMALL = Config(n_rows=1_500, model=ModelConfig(max_iter=20))


@pytest.fixture(scope="module")
def wanted() -> dict[str, float]:
    """The AUC lost without each feature, measured here as the page measures it."""
    with threadpool_limits(1):
        train_rows, held_out = split(generate(SMALL.n_rows, SMALL.seed), SMALL)
        lost = {}
        for column in [None, *FEATURES]:
            fixed = {column: train_rows[column].iloc[0]} if column else {}
            model = train(train_rows.assign(**fixed), SMALL)
            lost[column] = evaluate(model, held_out.assign(**fixed), "contract").auc
    return {column: lost[None] - lost[column] for column in FEATURES}


@pytest.fixture(scope="module")
def measured(exercise: ModuleType) -> dict[str, float]:
    """What the file under check measures, on the same small runs."""
    with threadpool_limits(1):
        return exercise.auc_lost(SMALL)


def test_every_feature_is_measured(measured: dict[str, float]) -> None:
    """auc_lost measures every feature in FEATURES."""
    left_out = [column for column in FEATURES if column not in measured]
    assert left_out == [], (
        f"auc_lost measured {sorted(measured)} and left out {left_out}: want all of "
        "churn.features.FEATURES"
    )


def test_each_measure_is_the_auc_lost(
    measured: dict[str, float], wanted: dict[str, float]
) -> None:
    """auc_lost gives the held-out AUC lost when a feature is held at one value."""
    wrong = {
        column: (round(value, 4), round(wanted[column], 4))
        for column, value in measured.items()
        if column in wanted and not math.isclose(value, wanted[column], abs_tol=5e-5)
    }
    assert wrong == {}, (
        f"(yours, wanted) AUC lost: {wrong}. Train with every feature and with the "
        "column held at its first training value, in the training and the held-out "
        "rows, and subtract the second AUC from the first"
    )


def test_each_seed_gets_a_run(
    exercise: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """auc_lost_by_seed gives each feature's loss under each seed, in order."""
    asked: list[Config] = []

    def auc_lost(config: Config) -> dict[str, float]:
        asked.append(config)
        return {column: config.seed + n / 10 for n, column in enumerate(FEATURES)}

    monkeypatch.setattr(exercise, "auc_lost", auc_lost)
    found = exercise.auc_lost_by_seed(SMALL, [3, 1, 2])
    wanted = [replace(SMALL, seed=seed) for seed in (3, 1, 2)]
    assert asked == wanted, (
        f"for seeds [3, 1, 2], auc_lost was called with the seeds "
        f"{[config.seed for config in asked]}: want one call per seed, in that order, "
        "each with the config given and only its seed changed"
    )
    shown = {
        column: [seed + n / 10 for seed in (3, 1, 2)]
        for n, column in enumerate(FEATURES)
    }
    assert found == shown, (
        f"auc_lost_by_seed returned {found}: want, for each feature, the losses "
        f"auc_lost gave it under each seed in order, e.g. {FEATURES[0]}: "
        f"{shown[FEATURES[0]]}"
    )


def test_only_features_small_in_every_seed_go(exercise: ModuleType) -> None:
    """worth_removing names the features worth less than min_loss under every seed."""
    lost = {
        "contract": [0.031, 0.027, 0.035],
        "region": [0.0012, -0.0020, 0.0005],
        "senior": [0.0010, 0.0041, -0.0003],
        "support_calls": [-0.0015, -0.0030, 0.0001],
    }
    found = exercise.worth_removing(lost, min_loss=0.002)
    assert found == ["region", "support_calls"], (
        f"for losses {lost} and min_loss=0.002, worth_removing returned {found}: "
        "want ['region', 'support_calls']; senior stays, it was worth 0.0041 once"
    )


def test_files_naming_finds_the_word(exercise: ModuleType, tmp_path: Path) -> None:
    """files_naming finds the Python files that name a column as a whole word."""
    files = {
        "schema.py": 'FIELDS = {"region": str}\n',
        "nested/test_it.py": "assert row['region'] == 'north'\n",
        "regional.py": "regional_sales = 3\n",
        "names.py": "REGIONS = ('north', 'south')\n",
        "notes.md": "region\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    named = exercise.files_naming("region", [tmp_path])
    found = [Path(path).relative_to(tmp_path).as_posix() for path in named]
    assert found == ["nested/test_it.py", "schema.py"], (
        f"in a folder holding {sorted(files)}, files_naming('region', ...) found "
        f"{found}: want ['nested/test_it.py', 'schema.py'], the .py files, in "
        "subfolders too, with region as a whole word (not regional, not REGIONS)"
    )


def test_files_naming_finds_region_in_the_system(exercise: ModuleType) -> None:
    """files_naming finds region's contract, request schema and feature list."""
    found = {Path(p).resolve() for p in exercise.files_naming("region", [SNIPPETS])}
    wanted = {
        SNIPPETS / "churn" / name for name in ("data.py", "serve.py", "features.py")
    }
    missing = sorted(path.relative_to(ROOT).as_posix() for path in wanted - found)
    assert missing == [], (
        f"files_naming('region', [snippets]) does not find {missing}: the data "
        "contract, the request schema and the feature list all name region"
    )
