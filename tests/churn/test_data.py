import pickle

import pandas as pd
import pytest

from churn.data import (
    CONTRACTS,
    DataContractError,
    data_hash,
    generate,
    load_csv,
    save_csv,
    validate,
)


def test_same_seed_gives_the_same_rows():
    pd.testing.assert_frame_equal(generate(500, seed=1), generate(500, seed=1))
    assert not generate(500, seed=1).equals(generate(500, seed=2))


def test_batches_generated_one_after_another_never_share_an_id():
    first, second = generate(100, seed=1), generate(100, seed=2, first_id=101)
    assert first["customer_id"].iloc[-1] == "C0000100"
    assert second["customer_id"].iloc[0] == "C0000101"
    validate(pd.concat([first, second], ignore_index=True))


def test_generated_data_meets_the_contract(frame):
    pd.testing.assert_frame_equal(validate(frame), frame)
    assert frame["customer_id"].is_unique
    assert set(frame["contract"]) == set(CONTRACTS)
    assert 0.2 < frame["churned"].mean() < 0.4  # a realistic base rate


def test_customers_are_observed_in_id_order_across_the_days_asked_for():
    rows = generate(2_000, seed=4, start="2026-03-01", days=10)
    observed = rows["observed_on"]
    assert observed.is_monotonic_increasing
    assert observed.min() == pd.Timestamp("2026-03-01")
    assert observed.max() == pd.Timestamp("2026-03-10")
    assert observed.dt.normalize().equals(observed)  # whole days


def test_the_time_axis_leaves_every_feature_as_drawn_before():
    """The days come from a stream of their own, so the features do not change."""
    a, b = generate(1_000, seed=5), generate(1_000, seed=5, start="2030-06-01", days=3)
    features = a.columns.difference(["observed_on", "churned"])
    pd.testing.assert_frame_equal(a[features], b[features])


def test_what_makes_customers_leave_changes_over_the_year():
    before = generate(20_000, seed=6, start="2024-06-01", days=30)
    after = generate(20_000, seed=6, start="2026-06-01", days=30)

    def churn_rate(rows, contract):
        return rows.loc[rows["contract"] == contract, "churned"].mean()

    # A loyalty offer keeps month-to-month customers: their lead shrinks.
    lead_before = churn_rate(before, "month-to-month") - churn_rate(before, "one-year")
    lead_after = churn_rate(after, "month-to-month") - churn_rate(after, "one-year")
    assert lead_after < lead_before - 0.05


def test_drift_shifts_the_population_the_documented_way():
    base, drifted = generate(5_000, seed=3), generate(5_000, seed=3, drift=0.8)
    assert drifted["monthly_charges"].mean() > base["monthly_charges"].mean() + 10
    assert drifted["tenure_months"].mean() < base["tenure_months"].mean()
    assert drifted["support_calls"].mean() > base["support_calls"].mean()
    share = (drifted["contract"] == "month-to-month").mean()
    assert share > (base["contract"] == "month-to-month").mean() + 0.2
    validate(drifted)  # drifted data is still valid data


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_rows": 0}, "n_rows must be at least 1"),
        ({"days": 0}, "days must be at least 1"),
        ({"start": "1 March"}, "Invalid isoformat"),
        ({"drift": 1.5}, "drift must be in"),
        ({"n_rows": 10, "first_id": 9_999_995}, "do not fit C0000001..C9999999"),
        ({"first_id": 0}, "do not fit"),
    ],
)
def test_generate_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        generate(**kwargs)


# --8<-- [start:contract]
def test_contract_reports_every_problem_with_column_rule_and_example(frame):
    bad = frame.head(10).copy()
    bad.loc[bad.index[0], "tenure_months"] = -3
    bad.loc[bad.index[1], "contract"] = "weekly"
    bad = bad.drop(columns=["region"]).assign(coupon="x")
    with pytest.raises(DataContractError) as caught:
        validate(bad)
    message = str(caught.value)
    assert (
        "column 'tenure_months' failed in_range(0, 120): 1 row(s), e.g. -3" in message
    )
    assert "column 'contract' failed isin" in message
    assert "e.g. 'weekly'" in message
    assert "column 'region': missing column" in message
    assert "column 'coupon': unexpected column" in message
    assert len(caught.value.failures) == 4


# --8<-- [end:contract]


def test_contract_rejects_wrong_types_and_duplicate_ids(frame):
    bad = frame.head(3).copy()
    bad["senior"] = bad["senior"].astype(int)
    bad.loc[bad.index[1], "customer_id"] = bad["customer_id"].iloc[0]
    with pytest.raises(DataContractError) as caught:
        validate(bad)
    columns = {column for column, *_ in caught.value.failures}
    assert columns == {"senior", "customer_id"}


def test_scoring_contract_forbids_the_label(frame):
    features_only = frame.drop(columns=["churned"])
    pd.testing.assert_frame_equal(
        validate(features_only, with_target=False), features_only
    )
    with pytest.raises(DataContractError, match="'churned': unexpected column"):
        validate(frame, with_target=False)


def test_hash_names_the_content(frame):
    assert data_hash(frame) == data_hash(frame.copy())
    changed = frame.copy()
    changed.loc[changed.index[0], "monthly_charges"] += 0.01
    assert data_hash(changed) != data_hash(frame)
    assert data_hash(frame.astype({"support_calls": float})) != data_hash(frame)


def test_csv_round_trip_keeps_types_and_hash(frame, tmp_path):
    path = save_csv(frame, tmp_path / "nested" / "customers.csv")
    loaded = load_csv(path)
    assert data_hash(loaded) == data_hash(frame)


def test_load_csv_rejects_a_broken_file(frame, tmp_path):
    broken = frame.head(5).assign(tenure_months=-1)
    path = save_csv(broken, tmp_path / "broken.csv")
    with pytest.raises(DataContractError, match="tenure_months"):
        load_csv(path)


def test_contract_error_survives_pickling_without_the_frame(frame):
    # Dask sends a worker's exception to the client with pickle.
    with pytest.raises(DataContractError) as caught:
        validate(frame.head(3).assign(region="mars"))
    assert (
        caught.value.__context__ is None
    )  # pandera's error, holding the frame, is gone
    copy = pickle.loads(pickle.dumps(caught.value))
    assert isinstance(copy, DataContractError)
    assert copy.failures == caught.value.failures
    assert str(copy) == str(caught.value)


def test_a_day_that_is_not_a_date_is_reported_with_its_rule(frame, tmp_path):
    path = save_csv(frame.astype({"observed_on": str}), tmp_path / "days.csv")
    text = path.read_text().replace("2025-01-01", "2025-13-01", 1)
    path.write_text(text)
    with pytest.raises(DataContractError) as caught:
        load_csv(path)
    assert caught.value.failures == [
        ("observed_on", "date_format(%Y-%m-%d)", "2025-13-01", 1)
    ]


def test_a_file_to_score_may_carry_the_day_or_leave_it_out(frame, tmp_path):
    rows = frame.drop(columns="churned")
    path = save_csv(rows, tmp_path / "score.csv")
    assert "observed_on" in load_csv(path, with_target=False).columns
    without = save_csv(rows.drop(columns="observed_on"), tmp_path / "no-day.csv")
    assert "observed_on" not in load_csv(without, with_target=False).columns


def test_training_needs_the_day_each_row_was_observed(frame):
    with pytest.raises(DataContractError, match="'observed_on': missing column"):
        validate(frame.drop(columns="observed_on"))


def test_a_value_pandas_cannot_read_is_reported_by_column_name(frame, tmp_path):
    path = save_csv(frame.head(5), tmp_path / "customers.csv")
    text = path.read_text().splitlines()
    text[1] = text[1].replace(",False,", ",maybe,").replace(",True,", ",maybe,")
    path.write_text("\n".join(text) + "\n")
    with pytest.raises(DataContractError) as caught:
        load_csv(path)
    assert caught.value.failures == [("senior", "cannot be read as bool", None, 1)]


def test_other_read_errors_pass_through_unchanged(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text('customer_id\n"unterminated\n')
    with pytest.raises(ValueError, match="EOF") as caught:
        load_csv(path)
    assert not isinstance(caught.value, DataContractError)


def test_a_column_of_the_wrong_type_reports_only_its_type(frame):
    bad = frame.head(3).astype({"tenure_months": object})
    bad.loc[bad.index[0], "tenure_months"] = "abc"
    with pytest.raises(DataContractError) as caught:
        validate(bad)
    rules = [rule for column, rule, *_ in caught.value.failures]
    assert rules == ["dtype('int64')"]


def test_the_contract_takes_ascii_digits_only_in_ids(frame):
    bad = frame.head(2).copy()
    bad.loc[bad.index[0], "customer_id"] = "C\u0660\u0661\u0662\u0663\u0664\u0665\u0666"
    with pytest.raises(DataContractError, match="customer_id"):
        validate(bad)
