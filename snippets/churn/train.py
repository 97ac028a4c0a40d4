"""Train the churn model: one seeded scikit-learn pipeline, from a frame to a model."""

from __future__ import annotations

import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import Pipeline

from churn.config import Config
from churn.data import TARGET, validate
from churn.features import FEATURES, build_preprocessor
from churn.fields import LABEL_DAYS, OBSERVED


# --8<-- [start:pipeline]
def build_pipeline(config: Config) -> Pipeline:
    """Preprocessing and classifier in one object: what is trained is what is served."""
    classifier = HistGradientBoostingClassifier(
        learning_rate=config.model.learning_rate,
        max_iter=config.model.max_iter,
        max_leaf_nodes=config.model.max_leaf_nodes,
        l2_regularization=config.model.l2_regularization,
        early_stopping=False,  # a validation split would add a second source of chance
        random_state=config.seed,
    )
    return Pipeline([("features", build_preprocessor()), ("classifier", classifier)])


# --8<-- [start:split]
def split(frame: pd.DataFrame, config: Config) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hold out the latest rows; train on rows whose labels were known before them.

    A random split scores the model on the months it learned from. Production
    scores it on months it has not seen, so the held-out rows are the latest
    ``config.test_size`` share, and training stops `LABEL_DAYS` before them: a row
    observed later has a label that looks into the held-out period.

    Args:
        frame: Labelled rows with the day each was observed.
        config: Its ``test_size`` is the share of rows held out.

    Returns:
        The training rows and the held-out rows.

    Raises:
        ValueError: If the rows span too few days to leave both parts.
    """
    observed = frame[OBSERVED]
    first_held_out = observed.quantile(1 - config.test_size).floor("D")
    held_out = frame[observed >= first_held_out]
    train_rows = frame[observed < first_held_out - pd.Timedelta(days=LABEL_DAYS)]
    if train_rows.empty or held_out.empty:
        raise ValueError(
            f"rows from {observed.min():%Y-%m-%d} to {observed.max():%Y-%m-%d} "
            f"leave nothing to train on before a {LABEL_DAYS}-day gap"
        )
    return train_rows, held_out


# --8<-- [end:split]


def train(frame: pd.DataFrame, config: Config) -> Pipeline:
    """Validate the training rows, then fit the pipeline on them.

    Args:
        frame: Training rows that meet the data contract, label included.
        config: The run's settings; its seed fixes every random choice.

    Returns:
        The fitted pipeline.

    Raises:
        DataContractError: If the rows break the contract.
    """
    validate(frame, with_target=True)
    return build_pipeline(config).fit(frame[FEATURES], frame[TARGET])


# --8<-- [end:pipeline]
