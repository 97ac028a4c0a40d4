"""Exercise: add the feature charges_per_month_of_tenure to the churn model.

From docs/capstone/package.md. A customer who pays a lot after a short tenure may be
likelier to leave than the two fields say apart. Compute that ratio inside the model,
so training and serving both get it from the same pipeline; then write the
directional expectation a behaviour test would hold it to.

Edit this file, then run ``make exercise NAME=capstone/package``.
"""

from __future__ import annotations

import pandas as pd
from sklearn.pipeline import Pipeline

from churn.config import Config
from churn.data import TARGET, validate
from churn.features import FEATURES
from churn.train import build_pipeline

NEW_FEATURE = "charges_per_month_of_tenure"


def charges_per_month_of_tenure(frame: pd.DataFrame) -> pd.DataFrame:
    """Monthly charges divided by months of tenure; a new customer counts one month.

    Args:
        frame: Rows with ``monthly_charges`` and ``tenure_months``.

    Returns:
        One column, ``charges_per_month_of_tenure``, in the rows' order.
    """
    # TODO: divide, counting a tenure of 0 months as 1.
    raise NotImplementedError("charges_per_month_of_tenure is still to write")


def build_model(config: Config) -> Pipeline:
    """The churn pipeline of ``churn.train``, its features computing the new one too.

    Args:
        config: The run's settings, as for ``churn.train.build_pipeline``.

    Returns:
        An unfitted pipeline that takes the request's fields, ``FEATURES``.
    """
    # TODO: add a step to the pipeline's "features" (churn.features.build_preprocessor)
    # that computes NEW_FEATURE with the function above. sklearn's FunctionTransformer
    # wraps a function; give it feature_names_out so the column has its name.
    return build_pipeline(config)


def train_model(frame: pd.DataFrame, config: Config) -> Pipeline:
    """Validate the training rows, then fit ``build_model`` on them.

    Args:
        frame: Training rows that meet the data contract, label included.
        config: The run's settings; its seed fixes every random choice.

    Returns:
        The fitted pipeline.
    """
    validate(frame, with_target=True)
    return build_model(config).fit(frame[FEATURES], frame[TARGET])


def expect_more_charges_per_month_more_churn(
    model: Pipeline, rows: pd.DataFrame
) -> None:
    """A customer paying much for a short tenure is likelier to churn.

    Args:
        model: A fitted churn model; it scores ``rows[FEATURES]``.
        rows: Customers to vary.

    Raises:
        AssertionError: If the mean probability of churn does not go up.
    """
    # TODO: score the rows at a high and at a low charge per month of tenure (set
    # monthly_charges and tenure_months with rows.assign), and assert the direction,
    # as tests/churn/test_model_behaviour.py does for the other features.
