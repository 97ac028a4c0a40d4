import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from production.delayed_labels import (
    WindowQuality,
    join_labels,
    quality_by_window,
    to_markdown,
)

START = pd.Timestamp("2025-01-06")
DAY = pd.Timedelta(days=1)


def log(days: list[float], probabilities: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "prediction_id": [f"P{i}" for i in range(len(days))],
            "scored_at": [START + d * DAY for d in days],
            "probability": probabilities,
        }
    )


def arrivals(ids: list[str], labels: list[int], days: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "prediction_id": ids,
            "label": labels,
            "labelled_at": pd.to_datetime([START + d * DAY for d in days]),
        }
    )


def test_join_keeps_only_what_was_known_at_the_time():
    predictions = log([0, 1, 2, 20], [0.1, 0.8, 0.4, 0.9])
    labels = arrivals(["P0", "P1", "P2"], [0, 1, 1], [5, 9, 30])
    joined = join_labels(predictions, labels, as_of=START + 10 * DAY)
    # P3 was scored after the evaluation date; P2's label arrives later.
    assert joined["prediction_id"].tolist() == ["P0", "P1", "P2"]
    assert joined["label"].tolist()[:2] == [0, 1]
    assert np.isnan(joined["label"].iloc[2])


def test_join_names_missing_columns():
    predictions = log([0], [0.5]).drop(columns="probability")
    with pytest.raises(
        ValueError, match=r"predictions lacks column\(s\) \['probability'\]"
    ):
        join_labels(predictions, arrivals([], [], []), START)
    with pytest.raises(ValueError, match=r"labels lacks column\(s\) \['label'\]"):
        join_labels(log([0], [0.5]), arrivals([], [], []).drop(columns="label"), START)


@pytest.mark.parametrize("side", ["predictions", "labels"])
def test_join_refuses_repeated_ids(side: str):
    predictions = log([0, 1], [0.2, 0.3])
    labels = arrivals(["P0", "P1"], [0, 1], [2, 3])
    if side == "predictions":
        predictions["prediction_id"] = "P0"
    else:
        labels["prediction_id"] = "P1"
    with pytest.raises(ValueError, match=rf"{side} repeats 1 prediction_id\(s\)"):
        join_labels(predictions, labels, START + 10 * DAY)


@pytest.fixture
def two_weeks() -> tuple[pd.DataFrame, pd.DataFrame]:
    """200 predictions a week for two weeks; every label arrives 10 days later."""
    rng = np.random.default_rng(0)
    days = np.concatenate([rng.uniform(0, 7, 200), rng.uniform(7, 14, 200)])
    truth = rng.integers(0, 2, 400)
    probabilities = np.clip(0.3 * truth + rng.uniform(0, 0.7, 400), 0, 1)
    predictions = log(list(days), list(probabilities))
    labels = arrivals(list(predictions["prediction_id"]), list(truth), list(days + 10))
    return predictions, labels


def test_only_matured_windows_get_a_quality(two_weeks):
    predictions, labels = two_weeks
    as_of = START + 20 * DAY  # week 1 ended 13 days ago, week 2 six days ago
    first, second = quality_by_window(
        predictions, labels, as_of, label_delay=pd.Timedelta(days=10)
    )
    assert (first.start, second.start) == (START, START + 7 * DAY)
    assert first.matured
    assert not second.matured
    assert first.predictions == second.predictions == 200
    assert first.coverage == 1.0
    assert 0 < second.coverage < 1  # labels of the last days have not arrived
    week = predictions.iloc[:200].merge(labels, on="prediction_id")
    assert first.auc == pytest.approx(roc_auc_score(week["label"], week["probability"]))
    expected = ((week["probability"] >= 0.5) == week["label"]).mean()
    assert first.accuracy == pytest.approx(expected)
    assert second.auc is None
    assert second.accuracy is None
    assert second.positive_rate is not None


def test_a_matured_window_with_too_few_labels_is_not_scored(two_weeks):
    predictions, labels = two_weeks
    as_of = START + 30 * DAY
    windows = quality_by_window(
        predictions, labels, as_of, label_delay=pd.Timedelta(days=10), min_labels=201
    )
    assert [w.matured for w in windows] == [True, True]
    assert [w.auc for w in windows] == [None, None]


def test_one_class_has_no_auc_and_no_labels_no_rate():
    predictions = log([0, 1, 2], [0.2, 0.6, 0.7])
    labels = arrivals(["P0", "P1"], [1, 1], [3, 3])
    (window,) = quality_by_window(predictions, labels, START + 60 * DAY, min_labels=1)
    assert window.matured
    assert window.positive_rate == 1.0
    assert window.auc is None
    (unlabelled,) = quality_by_window(predictions, labels.iloc[:0], START + 60 * DAY)
    assert unlabelled.positive_rate is None
    assert unlabelled.coverage == 0


def test_nothing_before_as_of_is_an_error():
    with pytest.raises(ValueError, match="no prediction was made before"):
        quality_by_window(log([5], [0.5]), arrivals([], [], []), START)


def test_markdown_has_a_row_per_window():
    windows = [
        WindowQuality(START, 1_200, 1_080, True, 0.3125, 0.81234, 0.7456),
        WindowQuality(START + 7 * DAY, 900, 0, False, None, None, None),
    ]
    lines = to_markdown(windows).splitlines()
    assert len(lines) == 4
    assert lines[2] == "| 2025-01-06 | 1,200 | 90% | yes | 0.31 | 0.812 | 0.746 |"
    assert lines[3] == "| 2025-01-13 | 900 | 0% | no | n/a | n/a | n/a |"


def test_an_unmatured_window_shows_its_coverage_and_no_quality():
    # Was the example in to_markdown's docstring.
    week = WindowQuality(pd.Timestamp("2025-03-03"), 400, 100, False, 0.9, None, None)
    last = to_markdown([week]).splitlines()[-1]
    assert last == "| 2025-03-03 | 400 | 25% | no | 0.90 | n/a | n/a |"
