"""Exercise: a feature that leaks, caught by deleting the events after each moment.

From docs/production/leakage.md. Add ``days_since_last_call`` to both ways of building
training rows: to the plain join (from the last call on record to the row's moment)
and to the as-of join (from the last call strictly before the moment). Then write the
check that finds a leak without knowing how a feature is computed: delete every event
at or after each row's moment, build the rows again, and name the columns that
changed.

Edit this file, then run ``make exercise NAME=production/leakage``.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from production.point_in_time import Events, features_as_of, features_joined_plainly

DAY = pd.Timedelta(days=1)


def plain_with_days_since_last_call(events: Events) -> pd.DataFrame:
    """``features_joined_plainly``, plus the days from the last call on record.

    Args:
        events: Moments, calls and prices.

    Returns:
        Its rows, with ``days_since_last_call``: the row's ``as_of`` minus the time of
        the customer's last call on record, in days (a float), NaN without a call.
    """
    rows = features_joined_plainly(events)
    # TODO: add days_since_last_call, from the customer's last call on record.
    return rows


def as_of_with_days_since_last_call(events: Events) -> pd.DataFrame:
    """``features_as_of``, plus the days from the last call before the moment.

    Args:
        events: Moments, calls and prices.

    Returns:
        Its rows, with ``days_since_last_call``: the row's ``as_of`` minus the time of
        the customer's last call strictly before it, in days (a float), NaN if none.
    """
    rows = features_as_of(events)
    # TODO: add days_since_last_call, from the last call strictly before as_of.
    return rows


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
    # TODO: keep only the calls and prices before each customer's as_of, build the
    # rows again, and compare them with build(events), customer by customer.
    return []
