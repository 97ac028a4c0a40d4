"""One answer to the exercise of docs/capstone/tests.md.

The same rows in another order give a file with another hash, yet the same held-out
probabilities: the scaler's mean and spread are sums of floats, and a sum in another
order can round to another last digit. Early stopping sets rows aside for validation
by their position, so another order trains on other rows and gives another model.
Read it after your own attempt.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from churn.artifacts import save_model
from churn.config import Config
from churn.data import TARGET, validate
from churn.evaluate import evaluate
from churn.features import FEATURES
from churn.train import build_pipeline, train


class OrderComparison(NamedTuple):
    """Two trainings on the same rows, in their order and shuffled, compared.

    Attributes:
        same_hash: Whether the two saved model files have the same SHA-256.
        auc_in_order: Held-out AUC of the model trained on the rows as given.
        auc_shuffled: Held-out AUC of the model trained on the shuffled rows.
        max_probability_diff: The largest difference between the two models'
            probabilities of churn on a held-out row.
    """

    same_hash: bool
    auc_in_order: float
    auc_shuffled: float
    max_probability_diff: float


def compare_orders(
    train_rows: pd.DataFrame,
    held_out: pd.DataFrame,
    config: Config,
    folder: Path,
    trainer: Callable[[pd.DataFrame, Config], Pipeline] = train,
) -> OrderComparison:
    """Train on the rows as given and shuffled, save both, and compare them.

    Args:
        train_rows: The rows to train on.
        held_out: The rows to score both models on.
        config: The run's settings; its seed also shuffles the rows.
        folder: Where to save the two model files.
        trainer: Trains a model on rows, as ``churn.train.train`` does.

    Returns:
        The comparison of the two models.
    """
    shuffled = train_rows.sample(frac=1, random_state=config.seed)
    in_order, reordered = trainer(train_rows, config), trainer(shuffled, config)
    first = save_model(in_order, folder / "in-order.skops")
    second = save_model(reordered, folder / "shuffled.skops")
    rows = held_out[FEATURES]
    gap = in_order.predict_proba(rows)[:, 1] - reordered.predict_proba(rows)[:, 1]
    return OrderComparison(
        same_hash=first == second,
        auc_in_order=evaluate(in_order, held_out, "contract").auc,
        auc_shuffled=evaluate(reordered, held_out, "contract").auc,
        max_probability_diff=float(np.abs(gap).max()),
    )


def train_with_early_stopping(frame: pd.DataFrame, config: Config) -> Pipeline:
    """Train as ``churn.train.train`` does, with the classifier's early stopping on.

    Args:
        frame: Training rows that meet the data contract, label included.
        config: The run's settings.

    Returns:
        The fitted pipeline.
    """
    validate(frame, with_target=True)
    pipeline = build_pipeline(config).set_params(classifier__early_stopping=True)
    return pipeline.fit(frame[FEATURES], frame[TARGET])
