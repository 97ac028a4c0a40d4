"""One answer to the exercise of docs/production/leakage.md.

Both versions take the latest call time they are allowed to see and subtract it from
the moment: the plain join sees every call, so a customer who called after the moment
gets a negative number. ``changed_by_later_events`` rebuilds the rows from the events
before each moment and compares customer by customer. Read it after your own attempt.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from production.point_in_time import Events, features_as_of, features_joined_plainly

DAY = pd.Timedelta(days=1)


def _days_since(rows: pd.DataFrame, calls: pd.DataFrame) -> pd.DataFrame:
    """``rows`` with the days from each customer's last call in ``calls`` to as_of."""
    last = calls.groupby("customer_id")["at"].max()
    since = (rows["as_of"] - rows["customer_id"].map(last)) / DAY
    return rows.assign(days_since_last_call=since.astype(float))


def plain_with_days_since_last_call(events: Events) -> pd.DataFrame:
    """``features_joined_plainly``, plus the days from the last call on record.

    Args:
        events: Moments, calls and prices.

    Returns:
        Its rows, with ``days_since_last_call``: the row's ``as_of`` minus the time of
        the customer's last call on record, in days (a float), NaN without a call.
    """
    return _days_since(features_joined_plainly(events), events.calls)


def as_of_with_days_since_last_call(events: Events) -> pd.DataFrame:
    """``features_as_of``, plus the days from the last call before the moment.

    Args:
        events: Moments, calls and prices.

    Returns:
        Its rows, with ``days_since_last_call``: the row's ``as_of`` minus the time of
        the customer's last call strictly before it, in days (a float), NaN if none.
    """
    return _days_since(features_as_of(events), _before_moment(events, events.calls))


def _before_moment(events: Events, table: pd.DataFrame) -> pd.DataFrame:
    """The rows of an event table stamped strictly before their customer's moment."""
    moment = table["customer_id"].map(events.moments.set_index("customer_id")["as_of"])
    return table[table["at"] < moment]


def changed_by_later_events(
    build: Callable[[Events], pd.DataFrame], events: Events
) -> list[str]:
    """The columns of ``build(events)`` that change when later events are deleted.

    Args:
        build: Builds one row per customer from events, e.g. ``features_as_of``.
        events: Moments, calls and prices.

    Returns:
        The names of the columns whose value changes for any customer when every
        call and price at or after that customer's moment is deleted, sorted. A
        missing value (NaN) that stays missing is no change.
    """
    earlier = Events(
        events.moments,
        _before_moment(events, events.calls),
        _before_moment(events, events.prices),
    )
    now = build(events).set_index("customer_id").sort_index()
    then = build(earlier).set_index("customer_id").sort_index()
    same = (now == then) | (now.isna() & then.isna())
    return sorted(column for column in now.columns if not same[column].all())
