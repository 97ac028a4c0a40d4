"""Exercise: a directional expectation the model's tests do not state yet.

From docs/production/testing.md. ``tests/churn/test_model_behaviour.py`` checks that
more support calls and higher charges raise the churn probability and a longer tenure
lowers it. Add a row for a feature it does not test, in the same shape as that test's
parameters: ``(column, low, high, direction)``, where direction is ``"up"`` if the
mean churn probability must be higher with ``column`` at ``high`` than at ``low``, and
``"down"`` if it must be lower. The checks run the repository's own test on your rows.

Edit this file, then run ``make exercise NAME=production/testing``.
"""

from __future__ import annotations

# The rows the test already has, for their shape:
#     ("support_calls", 0, 6, "up"),
#     ("tenure_months", 2, 60, "down"),
#     ("monthly_charges", 30.0, 110.0, "up"),
NEW_EXPECTATIONS: list[tuple[str, object, object, str]] = [
    # TODO: add at least one row for another feature of churn.features.FEATURES,
    # e.g. a senior customer on otherwise identical terms. Its low and high values
    # must be values the data contract (churn.data) accepts for that column.
]
