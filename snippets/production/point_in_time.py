"""Training rows built from events as of the moment each prediction is made.

A churn model is asked, at some moment, about a customer: will they leave in the
next 30 days? Its training rows must hold what was known at that moment and
nothing later. A plain join of feature tables on the customer's ID takes every
event the warehouse holds today, including the complaints a customer made while
cancelling. Offline the model looks brilliant; in production those events do not
exist yet. An as-of join (``pandas.merge_asof``) takes, for each row, the latest
value recorded strictly before its moment.
"""

from __future__ import annotations

# --8<-- [start:imports]
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score

# --8<-- [end:imports]

# --8<-- [start:events]
START = pd.Timestamp("2025-01-01")
HORIZON = pd.Timedelta(days=30)  # churn is leaving within this long after a moment
# Test on moments from the cutoff on; train on moments whose label was known by
# then, a HORIZON earlier: a row's label is only settled 30 days after its moment.
CUTOFF = pd.Timestamp("2025-10-01")


@dataclass(frozen=True)
class Events:
    """What the warehouse holds: moments to predict at, calls and price changes.

    Attributes:
        moments: One row per customer: ``customer_id``, ``as_of`` (when the
            prediction is made) and ``churned`` (left within ``HORIZON`` after).
        calls: Support calls: ``customer_id``, ``at``.
        prices: Price changes: ``customer_id``, ``at`` (effective from),
            ``monthly_price``.
    """

    moments: pd.DataFrame
    calls: pd.DataFrame
    prices: pd.DataFrame


def generate_events(n_customers: int = 4_000, seed: int = 0) -> Events:
    """Generate customers, their support calls and their price changes.

    Calls and prices before a customer's moment carry a weak signal of churn;
    the events after it carry a strong one, as real ones do: complaints while
    leaving, and a discount offered to stay. That is the leak.

    Raises:
        ValueError: If n_customers is below 10.
    """
    if n_customers < 10:
        raise ValueError(f"n_customers must be at least 10, got {n_customers}")
    rng = np.random.default_rng(seed)
    ids = [f"C{i:07d}" for i in range(1, n_customers + 1)]
    as_of = START + pd.to_timedelta(rng.uniform(0, 365, n_customers), unit="D")
    risk = rng.normal(size=n_customers)
    churned = rng.random(n_customers) < 1 / (1 + np.exp(1.5 - risk))
    before = rng.poisson(1.5 * np.exp(0.4 * risk))  # in the 180 days before
    after = rng.poisson(np.where(churned, 3.0, 0.3))  # complaints while leaving
    calls = pd.DataFrame(
        {
            "customer_id": np.repeat(ids, before + after),
            "at": np.concatenate(
                [
                    np.concatenate(
                        [
                            t - pd.to_timedelta(rng.uniform(0, 180, b), unit="D"),
                            t + pd.to_timedelta(rng.uniform(0, 30, a), unit="D"),
                        ]
                    )
                    for t, b, a in zip(as_of, before, after, strict=True)
                ]
            ),
        }
    )
    price = (55 + 8 * risk + rng.normal(0, 5, n_customers)).round(2)
    offered = churned & (rng.random(n_customers) < 0.6)  # a discount to stay
    prices = pd.concat(
        [
            pd.DataFrame(
                {"customer_id": ids, "at": as_of - pd.Timedelta(days=365),
                 "monthly_price": price}
            ),
            pd.DataFrame(
                {
                    "customer_id": np.array(ids)[offered],
                    "at": as_of[offered]
                    + pd.to_timedelta(rng.uniform(1, 20, offered.sum()), unit="D"),
                    "monthly_price": (price[offered] * 0.7).round(2),
                }
            ),
        ],
        ignore_index=True,
    )  # fmt: skip
    moments = pd.DataFrame(
        {"customer_id": ids, "as_of": as_of, "churned": churned.astype(int)}
    )
    return Events(moments, calls, prices)


# --8<-- [end:events]


# --8<-- [start:plain]
def features_joined_plainly(events: Events) -> pd.DataFrame:
    """The leaky way: every call on record, and the customer's latest price.

    The same features as `features_as_of` (all calls, the current price), so the
    two differ only in when: this one ignores each row's moment.
    """
    calls = events.calls.groupby("customer_id").size().rename("calls")
    latest = events.prices.sort_values("at").groupby("customer_id").last()
    return (
        events.moments.join(calls, on="customer_id")
        .join(latest["monthly_price"], on="customer_id")
        .fillna({"calls": 0})
        .astype({"calls": int})
    )


# --8<-- [end:plain]


# --8<-- [start:as-of]
def features_as_of(events: Events) -> pd.DataFrame:
    """Each row's features as they stood strictly before its moment.

    Calls are counted if they came before ``as_of``; the price is the one in
    effect just before it, found by ``merge_asof`` (both frames sorted by time,
    matched per customer, looking backward). ``allow_exact_matches=False`` leaves
    out an event stamped at the very moment: you cannot tell whether it was
    written before the prediction or after it.
    """
    # merge_asof needs both sides sorted by time, and in the same time unit.
    moments = events.moments.astype({"as_of": "datetime64[ns]"}).sort_values("as_of")
    prices = events.prices.astype({"at": "datetime64[ns]"}).sort_values("at")
    calls = events.calls.merge(moments[["customer_id", "as_of"]], on="customer_id")
    known = calls[calls["at"] < calls["as_of"]]
    counts = known.groupby("customer_id").size().rename("calls")
    priced = pd.merge_asof(
        moments,
        prices,
        left_on="as_of",
        right_on="at",
        by="customer_id",
        direction="backward",
        allow_exact_matches=False,
    ).drop(columns="at")
    rows = priced.join(counts, on="customer_id").fillna({"calls": 0})
    return rows.astype({"calls": int})


# --8<-- [end:as-of]


# --8<-- [start:measure]
FEATURES = ["calls", "monthly_price"]


@dataclass(frozen=True)
class Leakage:
    """Held-out AUC of the two ways of building rows, on a time-based split.

    Attributes:
        plain_offline: Trained and tested on plainly joined rows: what the
            offline report says.
        plain_in_production: The same model scored on rows as of each moment:
            what production gets.
        as_of: Trained and tested on rows as of each moment.
    """

    plain_offline: float
    plain_in_production: float
    as_of: float


def measure_leakage(events: Events, seed: int = 0) -> Leakage:
    """Train on moments settled by ``CUTOFF``, test on those after it, both ways."""
    plain, honest = features_joined_plainly(events), features_as_of(events)

    def fit(rows: pd.DataFrame) -> HistGradientBoostingClassifier:
        train = rows[rows["as_of"] < CUTOFF - HORIZON]
        model = HistGradientBoostingClassifier(max_iter=100, random_state=seed)
        return model.fit(train[FEATURES], train["churned"])

    def auc(model: HistGradientBoostingClassifier, rows: pd.DataFrame) -> float:
        test = rows[rows["as_of"] >= CUTOFF].sort_values("customer_id")
        return float(
            roc_auc_score(test["churned"], model.predict_proba(test[FEATURES])[:, 1])
        )

    leaky = fit(plain)
    return Leakage(auc(leaky, plain), auc(leaky, honest), auc(fit(honest), honest))


# --8<-- [end:measure]


# --8<-- [start:store]
def online_view(
    events: Events, customers: list[str], now: pd.Timestamp
) -> pd.DataFrame:
    """The features served at ``now``: the as-of join, with ``now`` as the moment.

    One definition for both sides: training rows and served rows come from
    `features_as_of`, so they cannot be computed differently.
    """
    # The label is what is being predicted: at serving time it is not known yet.
    asked = pd.DataFrame({"customer_id": customers, "as_of": now, "churned": pd.NA})
    rows = features_as_of(Events(asked, events.calls, events.prices))
    return rows.set_index("customer_id").loc[customers, FEATURES]


# --8<-- [end:store]
