"""Exercise: which features pay for themselves, and what does one cost to keep?

From docs/production/technical-debt.md. The page measures the AUC lost without two
features, on one seed. Measure every feature of ``churn.features.FEATURES``, repeat it
over seeds, pick the features that never earn their place, and list the files that
name a feature: each of them changes when it goes.

Edit this file, then run ``make exercise NAME=production/technical_debt``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from churn.config import Config
from churn.data import generate
from churn.evaluate import evaluate
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
    # TODO: measure every feature of churn.features.FEATURES, not only these two.
    return {column: full - auc(column) for column in ("region", "contract")}


def auc_lost_by_seed(config: Config, seeds: Sequence[int]) -> dict[str, list[float]]:
    """``auc_lost`` once per seed, the config otherwise unchanged.

    Args:
        config: The settings of every run but its seed.
        seeds: The seeds to run with.

    Returns:
        For each feature, the AUC lost under each seed, in the order of ``seeds``.
    """
    # TODO: call auc_lost with config's seed replaced (dataclasses.replace).
    return {}


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
    # TODO: a feature goes when every one of its losses is below min_loss.
    return []


def files_naming(column: str, folders: Sequence[Path]) -> list[Path]:
    """The Python files under ``folders`` that name ``column``.

    Args:
        column: A column name, e.g. ``region``.
        folders: Where to look, subfolders included.

    Returns:
        Every ``.py`` file whose text has ``column`` as a whole word (``region`` in
        ``"region": "north"``, not in ``regional`` or ``REGIONS``), sorted.
    """
    # TODO: read each .py file under the folders and look for the word.
    return []
