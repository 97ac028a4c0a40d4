"""Behaviour tests: what the model must do, whatever its AUC says.

Metrics summarise; these tests pin down expectations a domain expert would state:
features that must not matter, directions effects must go, slices that must work.
"""

import pytest

from churn.config import GateConfig
from churn.evaluate import evaluate
from churn.features import FEATURES


def churn_probability(model, rows):
    return model.predict_proba(rows[FEATURES])[:, 1]


# --8<-- [start:invariance]
def test_invariance_customer_id_and_region_do_not_matter(model, test_frame):
    rows = test_frame.head(500)
    base = churn_probability(model, rows)
    renamed = rows.assign(customer_id="C9999999")
    assert (churn_probability(model, renamed) == base).all()
    moved = rows.assign(region="north")
    assert abs(churn_probability(model, moved) - base).mean() < 0.03


# --8<-- [end:invariance]


# --8<-- [start:directional]
@pytest.mark.parametrize(
    ("column", "low", "high", "direction"),
    [
        ("support_calls", 0, 6, "up"),
        ("tenure_months", 2, 60, "down"),
        ("monthly_charges", 30.0, 110.0, "up"),
    ],
)
def test_directional_expectations(model, test_frame, column, low, high, direction):
    rows = test_frame.head(500)
    at_low = churn_probability(model, rows.assign(**{column: low})).mean()
    at_high = churn_probability(model, rows.assign(**{column: high})).mean()
    assert (at_high > at_low) if direction == "up" else (at_high < at_low)


# --8<-- [end:directional]


def test_a_two_year_contract_lowers_churn_risk(model, test_frame):
    rows = test_frame.head(500)
    monthly = churn_probability(model, rows.assign(contract="month-to-month"))
    two_year = churn_probability(model, rows.assign(contract="two-year"))
    assert (two_year < monthly).mean() > 0.9


def test_minimum_quality_on_every_contract_slice(model, test_frame):
    floor = GateConfig().min_slice_auc
    slices = evaluate(model, test_frame, "contract").slice_auc
    assert slices
    assert all(auc >= floor for auc in slices.values()), slices
