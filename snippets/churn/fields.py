"""The fields of a customer record: names, allowed categories and the ID's pattern.

The data contract (`churn.data`, with pandera) and the service's request schema
(`churn.serve`, with pydantic) state the same rules; both take them from here, so
they cannot drift apart. This module imports nothing, so the service can state its
schema without loading pandas or pandera.
"""

from __future__ import annotations

CONTRACTS = ("month-to-month", "one-year", "two-year")
PAYMENT_METHODS = ("electronic-check", "mailed-check", "bank-transfer", "credit-card")
INTERNET_SERVICES = ("dsl", "fiber", "none")
REGIONS = ("north", "south", "east", "west")
TARGET = "churned"
OBSERVED = "observed_on"
"""The day a customer's record was read; the label looks ahead from it."""
LABEL_DAYS = 30
"""A customer has churned if they left within this many days of being observed."""
ID = "customer_id"
# [0-9], not \d: \d also matches Arabic-Indic, full-width and other digits.
ID_PATTERN = r"^C[0-9]{7}$"
