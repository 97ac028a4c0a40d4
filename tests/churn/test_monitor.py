import numpy as np
import pandas as pd
import pytest

from churn.data import TARGET, generate
from churn.features import FEATURES
from churn.monitor import (
    EPSILON,
    MIN_PSI,
    categorical_psi,
    chi2_test,
    drift_report,
    false_alarm_rates,
    ks_test,
    psi,
    psi_band,
    quality_failures,
)

SHIFTED = {"tenure_months", "monthly_charges", "support_calls", "contract"}


@pytest.fixture(scope="module")
def drifted_report(frame, model):
    """The training population against a window drifted by 0.5, with the model."""
    return drift_report(frame, generate(2_000, seed=21, drift=0.5), model)


def test_psi_of_identical_samples_is_zero():
    values = np.random.default_rng(0).normal(size=500)
    assert psi(values, values) == 0.0
    assert categorical_psi(["a", "b", "b"], ["a", "b", "b"]) == 0.0


def test_psi_grows_with_drift():
    reference = generate(3_000, seed=1)
    windows = [generate(3_000, seed=2, drift=d) for d in (0.0, 0.25, 0.5)]
    for feature in ("tenure_months", "monthly_charges", "support_calls"):
        values = [psi(reference[feature], w[feature]) for w in windows]
        assert values == sorted(values), feature
        assert values[0] < 0.1 < values[2], feature
    shares = [categorical_psi(reference["contract"], w["contract"]) for w in windows]
    assert shares == sorted(shares)


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (0.0, "no significant shift"),
        (0.0999, "no significant shift"),
        (0.1, "moderate"),
        (0.25, "moderate"),
        (0.2501, "major"),
    ],
)
def test_psi_bands_at_their_boundaries(value, band):
    assert psi_band(value) == band


def test_values_beyond_the_training_range_land_in_the_outer_bins():
    reference = np.arange(100.0)
    assert psi(reference, reference + 1_000) > 0.25  # all in the top bin, not lost
    assert np.isfinite(psi(reference, reference + 1_000))


def test_repeated_quantile_edges_of_an_integer_feature_are_merged():
    calls = np.random.default_rng(1).poisson(1.0, 1_000)
    assert psi(calls, calls, bins=10) == 0.0
    assert psi(calls, calls + 1) > 0.25


def test_a_new_category_raises_psi_through_the_epsilon_floor():
    reference, current = ["card"] * 50 + ["cash"] * 50, ["card"] * 50 + ["crypto"] * 50
    expected = 2 * (0.5 - EPSILON) * np.log(0.5 / EPSILON)  # cash gone, crypto new
    assert categorical_psi(reference, current) == pytest.approx(expected)
    assert chi2_test(reference, current) < 1e-10


def test_the_tests_separate_chance_from_shift():
    rng = np.random.default_rng(2)
    same, shifted = rng.normal(size=300), rng.normal(0.5, 1, size=300)
    assert ks_test(same, same) == 1.0
    assert ks_test(same, shifted) < 1e-4
    assert chi2_test(["a", "b"] * 50, ["b", "a"] * 50) == 1.0


@pytest.mark.parametrize(("seed_a", "seed_b"), [(1, 2), (3, 4), (5, 6), (8, 9)])
def test_unchanged_data_at_100_rows_is_not_flagged_though_psi_exceeds_0_1(
    model, seed_a, seed_b
):
    report = drift_report(generate(100, seed=seed_a), generate(100, seed=seed_b), model)
    assert not report.drifted
    assert not report.prediction.drifted
    assert max(item.psi for item in report.features) > 0.1  # PSI alone would alarm


def test_unchanged_data_at_2000_rows_is_not_flagged(frame, model):
    report = drift_report(frame, generate(2_000, seed=21), model)
    assert not report.drifted
    assert [item.feature for item in report.features] == FEATURES


def test_drifted_data_is_flagged_on_the_features_the_generator_shifts(
    drifted_report,
):
    flagged = {item.feature for item in drifted_report.features if item.drifted}
    assert flagged == SHIFTED  # region, payment_method and the rest stay put
    assert drifted_report.drifted
    kinds = {item.feature: (item.kind, item.test) for item in drifted_report.features}
    assert kinds["tenure_months"] == ("numeric", "KS")
    assert kinds["region"] == ("categorical", "chi-square")


def test_prediction_drift_is_detected_with_the_model(drifted_report):
    prediction = drifted_report.prediction
    assert prediction.feature == "churn_probability"
    assert prediction.drifted
    assert prediction.band == "major"


def test_bonferroni_divides_alpha_by_the_number_of_tests(frame, model):
    window = generate(500, seed=3)
    assert drift_report(frame, window, model).threshold == pytest.approx(0.01 / 9)
    without_model = drift_report(frame, window, alpha=0.05)
    assert without_model.threshold == pytest.approx(0.05 / 8)
    assert without_model.prediction is None
    assert without_model.prediction_note == "no model was given"


@pytest.fixture(scope="module")
def bad_window() -> pd.DataFrame:
    window = generate(300, seed=4).drop(columns=[TARGET, "region"])
    window.loc[window.index[:2], "tenure_months"] = -3
    window.loc[window.index[2], "contract"] = "weekly|daily"
    return window


def test_data_quality_failures_are_counted_per_column(frame, model, bad_window):
    report = drift_report(frame, bad_window, model)
    assert report.failures_per_column == {
        "region": 1,  # a missing column counts once
        "contract": 1,
        "tenure_months": 2,
    }
    assert report.skipped == ("region",)
    assert "region" not in [item.feature for item in report.features]
    # One row with a category training never had is a quality failure, not drift.
    assert not report.drifted
    assert report.prediction is None
    assert "breaks the data contract" in report.prediction_note


def test_text_in_a_number_column_is_a_quality_failure_and_left_out_of_drift(frame):
    window = generate(200, seed=5).drop(columns=TARGET)
    window["support_calls"] = "many"
    report = drift_report(frame, window)
    assert "support_calls" in report.failures_per_column
    assert report.skipped == ("support_calls",)


def test_a_window_with_labels_is_checked_against_the_training_contract():
    window = generate(50, seed=6)
    assert quality_failures(window) == ()
    window.loc[window.index[0], TARGET] = 2
    assert [failure[0] for failure in quality_failures(window)] == [TARGET]


def test_markdown_report_has_summary_tables_and_quality(drifted_report):
    text = drifted_report.to_markdown()
    assert text.startswith("# Drift report\n\n**Drift detected**: 4 of 8 features")
    header = (
        "| Feature | Kind | PSI | PSI band | Test | p-value | Significant | Drifted |"
    )
    assert header in text
    assert "and its PSI is at least 0.1." in text
    for feature in FEATURES:
        assert f"| {feature} |" in text
    assert "| churn_probability | numeric |" in text
    assert "| **yes** |" in text
    assert "All 2,000 rows meet the data contract." in text


def test_markdown_report_lists_skips_and_contract_failures(frame, bad_window):
    text = drift_report(frame, bad_window).to_markdown()
    assert "Not compared, no usable values in the window: region." in text
    assert "Not compared: no model was given." in text
    assert "| Column | Rule | Failing rows | Example |" in text
    assert "| tenure_months | in_range(0, 120) | 2 | -3 |" in text
    assert "| contract | isin" in text
    assert "| 1 | weekly\\|daily |" in text  # the pipe in bad data is escaped
    assert "| region | missing column | 1 |  |" in text


def test_the_no_drift_verdict_reads_as_such(frame):
    text = drift_report(frame, generate(300, seed=8).drop(columns=TARGET)).to_markdown()
    assert "**No drift detected**: 0 of 8 features drifted." in text


def test_psi_false_alarms_are_common_at_small_n_and_rare_at_large_n():
    small = [false_alarm_rates(n) for n in (50, 100)]
    assert all(rates.psi > 0.5 for rates in small)
    large = false_alarm_rates(10_000, trials=40)
    assert large.psi == 0.0
    for rates in [*small, large]:
        assert rates.ks <= 0.05  # near its alpha of 0.01 at every size


def test_false_alarm_rates_are_reproducible():
    assert false_alarm_rates(60, trials=20, seed=3) == false_alarm_rates(
        60, trials=20, seed=3
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: psi([], [1.0]), "reference is empty"),
        (lambda: psi([1.0], []), "current is empty"),
        (lambda: psi([1.0, np.nan], [1.0]), "reference contains NaN"),
        (lambda: psi([1.0], [2.0], bins=1), "bins must be at least 2, got 1"),
        (lambda: categorical_psi([], ["a"]), "reference is empty"),
        (lambda: categorical_psi(["a"], []), "current is empty"),
        (lambda: ks_test([1.0], []), "current is empty"),
        (lambda: false_alarm_rates(0), "sample_size and trials must be at least 1"),
        (lambda: false_alarm_rates(10, trials=0), "got 10, 0"),
    ],
)
def test_bad_arguments_get_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_drift_report_refuses_empty_frames_and_a_bad_alpha(frame):
    with pytest.raises(ValueError, match="the reference frame is empty"):
        drift_report(frame.head(0), frame)
    with pytest.raises(ValueError, match="the current frame is empty"):
        drift_report(frame, frame.head(0))
    with pytest.raises(ValueError, match=r"alpha must be between 0 and 1, got 1\.5"):
        drift_report(frame, frame.head(10), alpha=1.5)
    with pytest.raises(ValueError, match=r"min_psi must be 0 or more, got -0\.1"):
        drift_report(frame, frame.head(10), min_psi=-0.1)


def test_the_floor_is_the_lower_edge_of_the_moderate_band():
    assert psi_band(MIN_PSI) == "moderate"
    assert psi_band(np.nextafter(MIN_PSI, 0)) == "no significant shift"


@pytest.fixture(scope="module")
def big_window():
    """Half a million rows with a small shift: a test is sure of it, PSI is tiny."""
    return generate(500_000, seed=31, drift=0.05, first_id=100_000).drop(columns=TARGET)


def test_a_tiny_shift_in_a_huge_window_is_significant_but_not_drift(frame, big_window):
    report = drift_report(frame, big_window)
    significant = {item.feature for item in report.features if item.significant}
    assert significant >= {"support_calls"}
    assert all(item.psi < MIN_PSI for item in report.features)
    assert not report.drifted
    assert "**No drift detected**: 0 of 8 features drifted." in report.to_markdown()
    # Without the floor, the test alone would have raised the alarm.
    assert drift_report(frame, big_window, min_psi=0).drifted


def test_a_big_shift_is_drift_by_both_rules(drifted_report):
    for item in drifted_report.features:
        assert item.drifted == (item.significant and item.psi >= MIN_PSI)
    assert any(item.drifted for item in drifted_report.features)


def test_categories_count_the_same_from_a_series_or_a_list():
    values = ["a", "b", "b", "c"]
    assert categorical_psi(pd.Series(values), ["a", "b"]) == categorical_psi(
        values, pd.Series(["a", "b"])
    )
