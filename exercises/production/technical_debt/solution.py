"""One answer to the exercise of docs/production/technical-debt.md.

The measurement of the page runs for every feature; a run per seed shows how much of
a feature's worth is chance, and a feature goes only if it falls short in every seed.
A whole-word search finds the files that would change with it. Read it after your own
attempt.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from churn.config import Config
from churn.data import generate
from churn.evaluate import evaluate
from churn.features import FEATURES
from churn.train import split, train


def auc_lost(config: Config) -> dict[str, float]:
    """The held-out AUC each feature is worth, measured as on the page.

    Args:
        config: The run's settings: ``n_rows`` and ``seed`` for the data, as
            ``generate(config.n_rows, config.seed)``, and the model's.

    Returns:
        For each feature, the AUC of a model with every feature minus the AUC of
        one that cannot use it (the column held at its first training value).
    """
    train_rows, held_out = split(generate(config.n_rows, config.seed), config)

    def auc(without: str | None = None) -> float:
        fixed = {without: train_rows[without].iloc[0]} if without else {}
        model = train(train_rows.assign(**fixed), config)
        return evaluate(model, held_out.assign(**fixed), "contract").auc

    full = auc()
    return {column: full - auc(column) for column in FEATURES}


def auc_lost_by_seed(config: Config, seeds: Sequence[int]) -> dict[str, list[float]]:
    """``auc_lost`` once per seed, the config otherwise unchanged.

    Args:
        config: The settings of every run but its seed.
        seeds: The seeds to run with.

    Returns:
        For each feature, the AUC lost under each seed, in the order of ``seeds``.
    """
    runs = [auc_lost(replace(config, seed=seed)) for seed in seeds]
    return {column: [run[column] for run in runs] for column in FEATURES}


def worth_removing(
    lost: Mapping[str, Sequence[float]], min_loss: float = 0.002
) -> list[str]:
    """The features that are worth less than ``min_loss`` of AUC under every seed.

    Args:
        lost: For each feature, the AUC lost without it, one value per seed.
        min_loss: The least AUC a feature must be worth, in some seed, to stay.

    Returns:
        Those features, sorted.
    """
    return sorted(name for name, losses in lost.items() if max(losses) < min_loss)


def files_naming(column: str, folders: Sequence[Path]) -> list[Path]:
    """The Python files under ``folders`` that name ``column``.

    Args:
        column: A column name, e.g. ``region``.
        folders: Where to look, subfolders included.

    Returns:
        Every ``.py`` file whose text has ``column`` as a whole word (``region`` in
        ``"region": "north"``, not in ``regional`` or ``REGIONS``), sorted.
    """
    word = re.compile(rf"\b{re.escape(column)}\b")
    return sorted(
        path
        for folder in folders
        for path in Path(folder).rglob("*.py")
        if word.search(path.read_text(encoding="utf-8"))
    )
