"""One answer to the exercise of docs/capstone/package.md.

The feature is derived from two fields every request already carries, so it belongs
in the features, not in the data contract: one more transformer in the model's
ColumnTransformer computes it, and training and serving get it from the same object.
The directional expectation compares customers who pay a lot for a short tenure with
customers who pay little for a long one. Read it after your own attempt.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from churn.config import Config
from churn.data import TARGET, validate
from churn.features import FEATURES, build_preprocessor
from churn.train import build_pipeline

NEW_FEATURE = "charges_per_month_of_tenure"


def charges_per_month_of_tenure(frame: pd.DataFrame) -> pd.DataFrame:
    """Monthly charges divided by months of tenure; a new customer counts one month.

    Args:
        frame: Rows with ``monthly_charges`` and ``tenure_months``.

    Returns:
        One column, ``charges_per_month_of_tenure``, in the rows' order.
    """
    months = np.maximum(frame["tenure_months"].to_numpy(), 1)
    ratio = frame["monthly_charges"].to_numpy() / months
    return pd.DataFrame({NEW_FEATURE: ratio}, index=frame.index)


def _new_feature_name(transformer: object, names: object) -> list[str]:
    """The name of the column ``charges_per_month_of_tenure`` adds, for scikit-learn.

    Args:
        transformer: The FunctionTransformer asking (unused).
        names: The names of its input columns (unused).

    Returns:
        The one output column's name.
    """
    return [NEW_FEATURE]


def build_model(config: Config) -> Pipeline:
    """The churn pipeline of ``churn.train``, its features computing the new one too.

    Args:
        config: The run's settings, as for ``churn.train.build_pipeline``.

    Returns:
        An unfitted pipeline that takes the request's fields, ``FEATURES``.
    """
    pipeline = build_pipeline(config)
    preprocessor = build_preprocessor()
    ratio = FunctionTransformer(
        charges_per_month_of_tenure, feature_names_out=_new_feature_name
    )
    preprocessor.transformers.append(
        ("ratio", ratio, ["monthly_charges", "tenure_months"])
    )
    pipeline.steps[0] = ("features", preprocessor)
    return pipeline


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

    The same rows are scored twice: once paying 110 a month after 2 months (55 per
    month of tenure), once paying 30 after 60 months (0.5 per month of tenure).

    Args:
        model: A fitted churn model; it scores ``rows[FEATURES]``.
        rows: Customers to vary.

    Raises:
        AssertionError: If the mean probability of churn does not go up.
    """
    high = rows.assign(monthly_charges=110.0, tenure_months=2)
    low = rows.assign(monthly_charges=30.0, tenure_months=60)
    at_high = model.predict_proba(high[FEATURES])[:, 1].mean()
    at_low = model.predict_proba(low[FEATURES])[:, 1].mean()
    assert at_high > at_low, (
        f"mean churn probability {at_high:.3f} at 55 per month of tenure, "
        f"{at_low:.3f} at 0.5: want it higher at 55"
    )
