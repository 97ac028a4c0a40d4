"""Checks for the exercise of docs/production/leakage.md: days since the last call."""

from __future__ import annotations

import math
from types import ModuleType

import pandas as pd
import pytest

from production.point_in_time import Events, features_as_of, features_joined_plainly
from production.point_in_time import generate_events as generate

NEW = "days_since_last_call"
DAY = pd.Timedelta(days=1)


@pytest.fixture(scope="module")
def events() -> Events:
    """A few hundred customers with their calls and prices."""
    return generate(n_customers=300, seed=3)


def wanted_days(events: Events, before_moment: bool) -> dict[str, float]:
    """Days from each customer's last call (before the moment, or at all) to as_of.

    Args:
        events: The events.
        before_moment: Count only calls strictly before the customer's moment.

    Returns:
        The number of days, by customer; NaN for a customer without such a call.
    """
    found = {}
    calls = events.calls.groupby("customer_id")["at"]
    times = {customer: list(at) for customer, at in calls}
    for customer, moment in zip(
        events.moments["customer_id"], events.moments["as_of"], strict=True
    ):
        seen = [t for t in times.get(customer, []) if t < moment or not before_moment]
        found[customer] = (moment - max(seen)) / DAY if seen else math.nan
    return found


def compare(rows: pd.DataFrame, wanted: dict[str, float], what: str) -> None:
    """Assert that the rows' new column holds the wanted days, customer by customer.

    Args:
        rows: What the reader's function returned.
        wanted: The days, by customer.
        what: Which function made the rows, for the message.
    """
    assert NEW in rows.columns, f"{what} has no column {NEW}: add it"
    got = rows.set_index("customer_id")[NEW]
    assert pd.api.types.is_float_dtype(got), (
        f"{what}: {NEW} holds {got.dtype} values, want days as floats: divide the "
        "time between the call and as_of by pd.Timedelta(days=1)"
    )
    for customer, days in wanted.items():
        value = got[customer]
        right = (math.isnan(days) and pd.isna(value)) or (
            not pd.isna(value) and math.isclose(value, days, abs_tol=1e-6)
        )
        note = " (no such call: NaN)" if math.isnan(days) else ""
        assert right, (
            f"{what}: {NEW} of {customer} is {value:.4f}, want {days:.4f}{note}"
        )


def test_the_plain_join_counts_from_any_call(
    exercise: ModuleType, events: Events
) -> None:
    """The plain join's days_since_last_call counts from the last call on record."""
    rows = exercise.plain_with_days_since_last_call(events)
    compare(rows, wanted_days(events, False), "plain_with_days_since_last_call")


def test_the_as_of_join_counts_from_a_call_before(
    exercise: ModuleType, events: Events
) -> None:
    """The as-of join's days_since_last_call counts from the last call before as_of."""
    rows = exercise.as_of_with_days_since_last_call(events)
    compare(rows, wanted_days(events, True), "as_of_with_days_since_last_call")


@pytest.mark.parametrize("kind", ["plain", "as_of"])
def test_the_other_features_stay(
    exercise: ModuleType, events: Events, kind: str
) -> None:
    """Both keep every row and column of the function they extend."""
    before = {"plain": features_joined_plainly, "as_of": features_as_of}[kind](events)
    after = getattr(exercise, f"{kind}_with_days_since_last_call")(events)
    kept = [column for column in before.columns if column in after.columns]
    assert kept == list(before.columns), (
        f"the {kind} rows lost the columns {sorted(set(before) - set(kept))}: "
        "keep them and add the new one"
    )
    now = after[kept].set_index("customer_id").sort_index()
    was = before.set_index("customer_id").sort_index()
    assert list(now.index) == list(was.index), (
        f"the {kind} rows are for other customers than before: keep one per customer"
    )
    changed = [c for c in was.columns if not now[c].equals(was[c])]
    assert changed == [], (
        f"in the {kind} rows the values of {changed} changed: keep them as they were"
    )


def test_the_as_of_feature_ignores_later_events(
    exercise: ModuleType, events: Events
) -> None:
    """The as-of days_since_last_call stays the same when later events are deleted."""
    moments = events.moments.set_index("customer_id")["as_of"]
    calls, prices = events.calls, events.prices
    earlier = Events(
        events.moments,
        calls[calls["at"] < calls["customer_id"].map(moments)],
        prices[prices["at"] < prices["customer_id"].map(moments)],
    )
    rows = exercise.as_of_with_days_since_last_call(events)
    assert NEW in rows.columns, f"as_of_with_days_since_last_call has no {NEW}: add it"
    now = rows.set_index("customer_id")[NEW]
    then = exercise.as_of_with_days_since_last_call(earlier).set_index("customer_id")
    then = then[NEW].reindex(now.index)
    changed = now.index[(now != then) & ~(now.isna() & then.isna())]
    assert changed.empty, (
        f"{NEW} changes for {len(changed)} customers when the calls at or after "
        f"their moment are deleted, e.g. {changed[0]} from {now[changed[0]]:.4f} to "
        f"{then[changed[0]]:.4f}: a feature that reads later events is a leak"
    )


def test_the_as_of_join_changes_nothing(exercise: ModuleType, events: Events) -> None:
    """changed_by_later_events names nothing for features_as_of."""
    found = exercise.changed_by_later_events(features_as_of, events)
    assert found == [], (
        f"changed_by_later_events(features_as_of, events) returned {found}: "
        "want [], the as-of join reads nothing at or after a row's moment. Compare "
        "customer by customer, and count NaN against NaN as no change"
    )


def test_the_plain_join_is_caught(exercise: ModuleType, events: Events) -> None:
    """changed_by_later_events names calls and monthly_price for the plain join."""
    found = exercise.changed_by_later_events(features_joined_plainly, events)
    assert found == ["calls", "monthly_price"], (
        f"changed_by_later_events(features_joined_plainly, events) returned {found}: "
        "want ['calls', 'monthly_price'], the two features that change once the "
        "calls and prices at or after each moment are deleted"
    )
