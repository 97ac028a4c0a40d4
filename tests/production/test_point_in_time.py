import pandas as pd
import pytest

from production.point_in_time import (
    CUTOFF,
    FEATURES,
    Events,
    features_as_of,
    features_joined_plainly,
    generate_events,
    measure_leakage,
    online_view,
)


@pytest.fixture(scope="module")
def events() -> Events:
    return generate_events(n_customers=1_500, seed=3)


def test_events_are_the_same_for_the_same_seed():
    first, again = generate_events(50, seed=1), generate_events(50, seed=1)
    pd.testing.assert_frame_equal(first.calls, again.calls)
    pd.testing.assert_frame_equal(first.prices, again.prices)
    assert not first.moments.equals(generate_events(50, seed=2).moments)


def test_too_few_customers_is_refused():
    with pytest.raises(ValueError, match="n_customers must be at least 10, got 3"):
        generate_events(3)


def test_features_as_of_count_only_calls_before_the_moment(events):
    rows = features_as_of(events).set_index("customer_id")
    calls = events.calls.merge(events.moments, on="customer_id")
    for customer, group in list(calls.groupby("customer_id"))[:200]:
        known = group[group["at"] < group["as_of"]]
        assert rows.loc[customer, "calls"] == len(known)


def test_no_as_of_feature_changes_when_later_events_are_deleted(events):
    moments = events.moments.set_index("customer_id")["as_of"]
    earlier = Events(
        events.moments,
        events.calls[events.calls["at"] < events.calls["customer_id"].map(moments)],
        events.prices[events.prices["at"] < events.prices["customer_id"].map(moments)],
    )
    pd.testing.assert_frame_equal(features_as_of(earlier), features_as_of(events))


def test_the_plain_join_counts_calls_made_after_the_moment(events):
    plain = features_joined_plainly(events).set_index("customer_id")["calls"]
    honest = features_as_of(events).set_index("customer_id")["calls"]
    honest = honest.reindex(plain.index)
    assert (plain >= honest).all()
    churned = events.moments.set_index("customer_id")["churned"] == 1
    # Churners call while leaving: the leak is largest exactly where the label is 1.
    extra = plain - honest
    assert extra[churned].mean() > 2 * extra[~churned].mean()


def test_the_price_is_the_one_in_effect_strictly_before_the_moment():
    moment = pd.Timestamp("2025-06-01")
    month_before, days_after = (
        moment - pd.Timedelta(days=30),
        moment + pd.Timedelta(days=3),
    )
    events = Events(
        moments=pd.DataFrame(
            {"customer_id": ["C1", "C2"], "as_of": [moment, moment], "churned": [0, 1]}
        ),
        calls=pd.DataFrame({"customer_id": ["C1"], "at": [moment]}),
        prices=pd.DataFrame(
            {
                "customer_id": ["C1", "C1", "C2", "C2"],
                "at": [month_before, moment, pd.Timestamp("2025-01-01"), days_after],
                "monthly_price": [50.0, 40.0, 60.0, 42.0],
            }
        ),
    )
    rows = features_as_of(events).set_index("customer_id")
    # A change stamped at the very moment, and one after it, are not yet known.
    assert rows["monthly_price"].to_dict() == {"C1": 50.0, "C2": 60.0}
    assert rows["calls"].to_dict() == {"C1": 0, "C2": 0}
    plain = features_joined_plainly(events).set_index("customer_id")
    assert plain["monthly_price"].to_dict() == {"C1": 40.0, "C2": 42.0}


def test_as_of_refuses_prices_out_of_time_order_only_if_unsorted(events):
    # merge_asof needs both sides sorted by time; features_as_of sorts them itself.
    shuffled = Events(
        events.moments.sample(frac=1, random_state=0),
        events.calls,
        events.prices.sample(frac=1, random_state=0),
    )
    pd.testing.assert_frame_equal(
        features_as_of(shuffled).sort_values("customer_id").reset_index(drop=True),
        features_as_of(events).sort_values("customer_id").reset_index(drop=True),
    )
    with pytest.raises(ValueError, match="keys must be sorted"):
        pd.merge_asof(
            shuffled.moments, shuffled.prices, left_on="as_of", right_on="at",
            by="customer_id",
        )  # fmt: skip


def test_the_plain_join_overstates_what_production_gets(events):
    leakage = measure_leakage(events)
    assert leakage.plain_offline > leakage.as_of + 0.1
    assert leakage.plain_in_production < leakage.as_of
    assert (events.moments["as_of"] >= CUTOFF).any()
    assert leakage.plain_in_production < 0.6  # "barely better than chance"


def test_the_online_view_serves_what_the_as_of_join_would_train_on(events):
    now = pd.Timestamp("2025-08-15")
    customers = ["C0000003", "C0000001", "C0000002"]
    served = online_view(events, customers, now)
    assert list(served.index) == customers  # in the order asked
    assert list(served.columns) == FEATURES
    prices = events.prices[events.prices["customer_id"] == "C0000001"]
    latest = prices[prices["at"] < now].sort_values("at")["monthly_price"].iloc[-1]
    assert served.loc["C0000001", "monthly_price"] == latest
    calls = events.calls[events.calls["customer_id"] == "C0000001"]
    assert served.loc["C0000001", "calls"] == (calls["at"] < now).sum()
