"""Model quality on live traffic, when the labels arrive weeks after the predictions.

A churn label is known only when a customer leaves, or when the observation period
ends without them leaving. So the quality of this week's predictions is unknown
this week. The service logs every prediction with an ID; labels are joined to it
by that ID as they arrive, and quality is computed only for windows old enough for
their labels to have arrived (matured windows). Coverage, the share of predictions
with a label, is reported for every window, so a broken label feed shows up as
coverage that stops growing.
"""

from __future__ import annotations

# --8<-- [start:imports]
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

# --8<-- [end:imports]


# --8<-- [start:checks]
PREDICTION_COLUMNS = ("prediction_id", "scored_at", "probability")
LABEL_COLUMNS = ("prediction_id", "label", "labelled_at")
WEEK = pd.Timedelta(days=7)
# The churn label's longest delay: a stay is known when the 45-day period ends.
LABEL_DELAY = pd.Timedelta(days=45)


def _require(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    """Refuse a frame that lacks a column, naming every missing one."""
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks column(s) {missing}")


def _unique_ids(frame: pd.DataFrame, name: str) -> None:
    """Refuse repeated IDs: a prediction has one label, a label one prediction."""
    repeated = frame["prediction_id"][frame["prediction_id"].duplicated()]
    if not repeated.empty:
        raise ValueError(
            f"{name} repeats {repeated.nunique()} prediction_id(s),"
            f" e.g. {repeated.iloc[0]!r}: each must appear once"
        )


# --8<-- [end:checks]


# --8<-- [start:join]
def join_labels(
    predictions: pd.DataFrame, labels: pd.DataFrame, as_of: pd.Timestamp
) -> pd.DataFrame:
    """Attach to each prediction made before ``as_of`` its label, if it had arrived.

    Args:
        predictions: The prediction log: ``prediction_id``, ``scored_at``,
            ``probability``.
        labels: Outcomes as they arrived: ``prediction_id``, ``label`` (0 or 1),
            ``labelled_at``.
        as_of: The moment of the evaluation. Predictions and labels after it are
            ignored, so a past evaluation can be reproduced exactly.

    Returns:
        The predictions with a ``label`` column, NaN where none had arrived.

    Raises:
        ValueError: If a column is missing or an ID repeats in either frame.
    """
    _require(predictions, PREDICTION_COLUMNS, "predictions")
    _require(labels, LABEL_COLUMNS, "labels")
    _unique_ids(predictions, "predictions")
    _unique_ids(labels, "labels")
    made = predictions[predictions["scored_at"] < as_of]
    arrived = labels.loc[labels["labelled_at"] <= as_of, ["prediction_id", "label"]]
    # Before the first label arrives, the label table may have no usable ID type.
    arrived = arrived.astype({"prediction_id": made["prediction_id"].dtype})
    return made.merge(arrived, on="prediction_id", how="left")


# --8<-- [end:join]


# --8<-- [start:window]
@dataclass(frozen=True)
class WindowQuality:
    """Quality of one window of predictions, as far as its labels allow.

    Attributes:
        start: First moment of the window.
        predictions: Predictions made in the window.
        labelled: How many of them have a label by now.
        matured: Whether the window ended at least one label delay ago, so its
            labels had time to arrive.
        positive_rate: Share of the arrived labels that are 1 (churned), or None
            without labels. In an unmatured window it is biased: a churn is known
            as soon as the customer leaves, a stay only at the end of the period.
        auc: AUC on the labelled predictions of a matured window, or None.
        accuracy: Accuracy at the threshold on the same rows, or None.
    """

    start: pd.Timestamp
    predictions: int
    labelled: int
    matured: bool
    positive_rate: float | None
    auc: float | None
    accuracy: float | None

    @property
    def coverage(self) -> float:
        """Share of the window's predictions that have a label."""
        return self.labelled / self.predictions


def _window_quality(
    rows: pd.DataFrame,
    start: pd.Timestamp,
    matured: bool,
    threshold: float,
    min_labels: int,
) -> WindowQuality:
    """Count, and score the labelled rows if the window may be judged."""
    labelled = rows.dropna(subset=["label"])
    labels = labelled["label"].to_numpy(dtype=int)
    judged = matured and len(labels) >= min_labels and len(np.unique(labels)) == 2
    scores = labelled["probability"].to_numpy(dtype=float)
    return WindowQuality(
        start=start,
        predictions=len(rows),
        labelled=len(labels),
        matured=matured,
        positive_rate=float(labels.mean()) if len(labels) else None,
        auc=float(roc_auc_score(labels, scores)) if judged else None,
        accuracy=float(((scores >= threshold) == labels).mean()) if judged else None,
    )


# --8<-- [end:window]


# --8<-- [start:windows]
def quality_by_window(
    predictions: pd.DataFrame,
    labels: pd.DataFrame,
    as_of: pd.Timestamp,
    *,
    window: pd.Timedelta = WEEK,
    label_delay: pd.Timedelta = LABEL_DELAY,
    threshold: float = 0.5,
    min_labels: int = 100,
) -> list[WindowQuality]:
    """Coverage for every window, and quality for the windows that have matured.

    Windows start at midnight of the first prediction's day and last ``window``.
    A window is matured when it ended at least ``label_delay`` before ``as_of``:
    the longest time a label takes to arrive. Quality computed earlier would use
    the labels that come first, which are not a random sample of the window.

    Args:
        predictions: The prediction log (see `join_labels`).
        labels: Labels as they arrived (see `join_labels`).
        as_of: The moment of the evaluation.
        window: Length of each window.
        label_delay: The longest time a label takes to arrive.
        threshold: Probability at or above which a prediction counts as "churn",
            for accuracy.
        min_labels: Fewest labels a matured window needs to be scored; AUC on a
            handful of rows is mostly noise.

    Returns:
        One entry per window that holds predictions, oldest first.

    Raises:
        ValueError: If a column is missing, an ID repeats, or there is no
            prediction before ``as_of``.
    """
    joined = join_labels(predictions, labels, as_of)
    if joined.empty:
        raise ValueError(f"no prediction was made before {as_of}")
    origin = joined["scored_at"].min().normalize()
    number = (joined["scored_at"] - origin) // window
    return [
        _window_quality(
            rows,
            start=origin + index * window,
            matured=origin + (index + 1) * window + label_delay <= as_of,
            threshold=threshold,
            min_labels=min_labels,
        )
        for index, rows in joined.groupby(number, sort=True)
    ]


# --8<-- [end:windows]


# --8<-- [start:table]
def _number(value: float | None, digits: int) -> str:
    """A rounded number, or "n/a" when there is none."""
    return "n/a" if value is None else f"{value:.{digits}f}"


def to_markdown(windows: Sequence[WindowQuality]) -> str:
    """Render windows as a Markdown table, one row per window."""
    lines = [
        "| Window from | Predictions | Labelled | Matured | Churn among labels"
        " | AUC | Accuracy |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {w.start:%Y-%m-%d} | {w.predictions:,} | {w.coverage:.0%}"
        f" | {'yes' if w.matured else 'no'} | {_number(w.positive_rate, 2)}"
        f" | {_number(w.auc, 3)} | {_number(w.accuracy, 3)} |"
        for w in windows
    ]
    return "\n".join(lines)


# --8<-- [end:table]
