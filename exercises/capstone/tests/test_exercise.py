"""Checks for the exercise of docs/capstone/tests.md: does training depend on order?"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

from churn.artifacts import save_model
from churn.config import Config, ModelConfig
from churn.data import generate
from churn.evaluate import evaluate
from churn.features import FEATURES
from churn.train import build_pipeline, split, train

# Fewer trees than the default run, so each training takes a fraction of a second.
CONFIG = Config(model=ModelConfig(max_iter=20))


@pytest.fixture(scope="module")
def parts() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Small generated rows, split by time: the training rows and the held-out rows."""
    return split(generate(1_500, seed=7), CONFIG)


# What the file under check found, by trainer: computed once for the checks sharing it.
FOUND: dict[str, object] = {}


def comparison(exercise: ModuleType, parts, folder: Path, trainer) -> object:
    """The file under check's comparison with ``trainer``, computed once per run."""
    name = getattr(trainer, "__name__", type(trainer).__name__)
    if name not in FOUND:
        FOUND[name] = exercise.compare_orders(*parts, CONFIG, folder, trainer=trainer)
    return FOUND[name]


def truth(parts, folder: Path) -> dict[str, object]:
    """What the checks find themselves, training as churn.train.train, computed once."""
    if "truth" not in FOUND:
        train_rows, held_out = parts
        shuffled = train_rows.sample(frac=1, random_state=CONFIG.seed)
        first, second = train(train_rows, CONFIG), train(shuffled, CONFIG)
        rows = held_out[FEATURES]
        gap = first.predict_proba(rows)[:, 1] - second.predict_proba(rows)[:, 1]
        FOUND["truth"] = {
            "same_hash": save_model(first, folder / "a.skops")
            == save_model(second, folder / "b.skops"),
            "auc_in_order": evaluate(first, held_out, "contract").auc,
            "auc_shuffled": evaluate(second, held_out, "contract").auc,
            "max_probability_diff": float(np.abs(gap).max()),
        }
    return FOUND["truth"]


class Recorder:
    """Stands in for training: keeps the rows it gets, returns one fixed model.

    Args:
        model: The model every call returns.
    """

    def __init__(self, model) -> None:
        self.model = model
        self.frames: list[pd.DataFrame] = []

    def __call__(self, frame: pd.DataFrame, config: Config):
        """Record the rows, and return the same model whatever they are."""
        self.frames.append(frame)
        return self.model


def recorded(exercise: ModuleType, parts, folder: Path):
    """A stand-in trainer after compare_orders used it, and what it found."""
    if "recorder" not in FOUND:
        recorder = Recorder(train(parts[0], CONFIG))
        FOUND["recorder"] = recorder, comparison(exercise, parts, folder, recorder)
    return FOUND["recorder"]


def test_it_trains_in_order_then_shuffled(
    exercise: ModuleType, parts, tmp_path: Path
) -> None:
    """compare_orders trains twice: on the rows as given, then on them shuffled."""
    recorder, _ = recorded(exercise, parts, tmp_path)
    train_rows = parts[0]
    frames = recorder.frames
    assert len(frames) == 2, f"compare_orders trained {len(frames)} times: want 2"
    assert frames[0].index.equals(train_rows.index), (
        "the first training did not get the training rows in their order"
    )
    wanted = train_rows.sample(frac=1, random_state=CONFIG.seed).index
    assert frames[1].index.equals(wanted), (
        "the second training did not get the training rows shuffled with "
        "train_rows.sample(frac=1, random_state=config.seed)"
    )


def test_it_says_when_the_files_are_the_same(
    exercise: ModuleType, parts, tmp_path: Path
) -> None:
    """When both trainings give the same model, compare_orders says so."""
    recorder, found = recorded(exercise, parts, tmp_path)
    auc = evaluate(recorder.model, parts[1], "contract").auc
    assert found.same_hash is True, (
        f"both trainings returned the very same model, and same_hash is "
        f"{found.same_hash!r}: want True, comparing the saved files' SHA-256"
    )
    assert (found.auc_in_order, found.auc_shuffled) == (auc, auc), (
        f"the AUCs are {found.auc_in_order} and {found.auc_shuffled} for one model "
        f"whose held-out AUC is {auc}: score each model with churn.evaluate.evaluate"
    )
    assert found.max_probability_diff == 0, (
        f"one model differs from itself by {found.max_probability_diff}: want 0"
    )


def test_it_compares_the_hashes(exercise: ModuleType, parts, tmp_path: Path) -> None:
    """compare_orders says whether the two saved files have the same SHA-256."""
    plain = comparison(exercise, parts, tmp_path, train)
    wanted = truth(parts, tmp_path)["same_hash"]
    assert plain.same_hash is wanted, (
        f"same_hash is {plain.same_hash!r}, but the two files that churn.train.train "
        f"and save_model give here {'have' if wanted else 'do not have'} the same "
        "SHA-256: compare what save_model returns for each"
    )


def test_it_compares_the_scores(exercise: ModuleType, parts, tmp_path: Path) -> None:
    """compare_orders gives both held-out AUCs and the largest gap in probability."""
    plain = comparison(exercise, parts, tmp_path, train)
    wanted = truth(parts, tmp_path)
    found = (plain.auc_in_order, plain.auc_shuffled)
    aucs = (wanted["auc_in_order"], wanted["auc_shuffled"])
    assert found == aucs, (
        f"the AUCs are {found[0]} and {found[1]}: on these held-out rows the models "
        f"score {aucs[0]} and {aucs[1]}, as churn.evaluate.evaluate gives them"
    )
    gap = wanted["max_probability_diff"]
    assert abs(plain.max_probability_diff - gap) < 1e-9, (
        f"max_probability_diff is {plain.max_probability_diff}: the largest gap "
        f"between the two models' probabilities on a held-out row is {gap}"
    )


def test_early_stopping_is_on(exercise: ModuleType, parts) -> None:
    """train_with_early_stopping fits the same pipeline, with early stopping on."""
    model = exercise.train_with_early_stopping(parts[0], CONFIG)
    found = model.named_steps["classifier"].get_params()
    wanted = build_pipeline(CONFIG).named_steps["classifier"].get_params()
    assert found["early_stopping"] is True, (
        f"the classifier's early_stopping is {found['early_stopping']!r}: want True"
    )
    changed = sorted(
        k for k in wanted if k != "early_stopping" and found[k] != wanted[k]
    )
    assert not changed, f"change early_stopping alone; these differ too: {changed}"


def test_early_stopping_makes_order_matter(
    exercise: ModuleType, parts, tmp_path: Path
) -> None:
    """With early stopping, the shuffled rows give another model and another AUC."""
    found = comparison(exercise, parts, tmp_path, exercise.train_with_early_stopping)
    assert found.auc_in_order != found.auc_shuffled, (
        f"with early stopping both AUCs are {found.auc_in_order}: the validation "
        "rows are chosen by position, so shuffled rows should give another model"
    )
    assert found.max_probability_diff > 0.01, (
        f"the probabilities differ by at most {found.max_probability_diff}: with "
        "early stopping they should differ by far more than rounding"
    )
