"""Train the churn model: one seeded scikit-learn pipeline, from a frame to a model."""

from __future__ import annotations

import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

from churn.config import Config
from churn.data import TARGET, validate
from churn.features import FEATURES, build_preprocessor


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


def split(frame: pd.DataFrame, config: Config) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split into training and held-out rows, stratified by the label, seeded."""
    return train_test_split(
        frame,
        test_size=config.test_size,
        random_state=config.seed,
        stratify=frame[TARGET],
    )


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
