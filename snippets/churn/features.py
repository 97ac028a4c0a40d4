"""The preprocessing that training and serving share, so they compute the same values.

Training-serving skew starts when serving re-implements feature code. Here the
preprocessor is a step inside the model pipeline, so it is saved with the model and
the service cannot compute features differently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the service needs only the names below, not scikit-learn
    from sklearn.compose import ColumnTransformer

NUMERIC_FEATURES = ["tenure_months", "monthly_charges", "support_calls"]
CATEGORICAL_FEATURES = ["contract", "payment_method", "internet_service", "region"]
BOOLEAN_FEATURES = ["senior"]
FEATURES = NUMERIC_FEATURES + CATEGORICAL_FEATURES + BOOLEAN_FEATURES


def build_preprocessor() -> ColumnTransformer:
    """Scale numbers, one-hot encode categories, pass booleans through.

    Columns not named here (the customer ID, the label) are dropped, so an ID can
    never leak into the model. Categories unseen in training encode as all zeros
    instead of failing a live request.
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    return ColumnTransformer(
        [
            ("numeric", StandardScaler(), NUMERIC_FEATURES),
            (
                "categorical",
                OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                CATEGORICAL_FEATURES,
            ),
            ("boolean", "passthrough", BOOLEAN_FEATURES),
        ],
        remainder="drop",
        verbose_feature_names_out=False,
    )
