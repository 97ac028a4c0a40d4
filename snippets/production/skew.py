"""Training-serving skew, checked on the same records through both paths.

The service and the batch pipeline load the same model, yet they can still
disagree: the service builds its input from JSON, the batch job from a file; a
fast path may re-implement a step; a caller may round or rename a field. The only
proof that both compute the same thing is to send the same records through both
and compare the answers, record by record.
"""

from __future__ import annotations

# --8<-- [start:imports]
from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd
from sklearn.pipeline import Pipeline

from churn.batch import PROBABILITY, score_frame
from churn.data import ID
from churn.features import FEATURES

# --8<-- [end:imports]


# --8<-- [start:client]
MAX_BATCH = 1_000  # the service's limit for POST /predict/batch


class Response(Protocol):
    """What the code needs of an HTTP response."""

    def raise_for_status(self) -> object:
        """Raise if the status is 4xx or 5xx."""

    def json(self) -> Any:
        """The body, decoded from JSON."""


class Client(Protocol):
    """What the code needs of an HTTP client: httpx's, or FastAPI's TestClient."""

    def post(self, url: str, *, json: Any) -> Response:
        """Send a POST request with a JSON body."""


# --8<-- [end:client]


# --8<-- [start:paths]
def service_scores(client: Client, frame: pd.DataFrame) -> pd.Series:
    """Score rows through the service's HTTP API, as a caller would.

    Args:
        client: A client for the service: FastAPI's ``TestClient`` in tests, or an
            ``httpx.Client(base_url=...)`` for a deployed instance.
        frame: Customers with ``customer_id`` and every feature.

    Returns:
        The churn probability of each customer, indexed by ``customer_id``.

    Raises:
        HTTPStatusError: The client's error type, if the service refuses a request.
    """
    records = frame[[ID, *FEATURES]].to_dict(orient="records")
    answers = []
    for start in range(0, len(records), MAX_BATCH):
        chunk = records[start : start + MAX_BATCH]
        response = client.post("/predict/batch", json={"records": chunk})
        response.raise_for_status()
        answers += response.json()["predictions"]
    return pd.Series(
        [answer["churn_probability"] for answer in answers],
        index=pd.Index([answer["customer_id"] for answer in answers], name=ID),
        name=PROBABILITY,
    )


def batch_scores(model: Pipeline, frame: pd.DataFrame) -> pd.Series:
    """Score rows with the batch pipeline's function, `churn.batch.score_frame`."""
    return score_frame(model, frame).set_index(ID)[PROBABILITY]


# --8<-- [end:paths]


# --8<-- [start:report]
@dataclass(frozen=True)
class SkewReport:
    """How far the serving path's answers are from the batch path's.

    Attributes:
        rows: Records compared.
        max_abs_diff: Largest absolute difference between two probabilities.
        mismatches: Records whose difference exceeds the tolerance.
        tolerance: The largest difference that still counts as equal.
        worst: Up to five IDs with the largest differences, largest first.
    """

    rows: int
    max_abs_diff: float
    mismatches: int
    tolerance: float
    worst: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Whether every record scored the same, within the tolerance."""
        return self.mismatches == 0


# --8<-- [end:report]


# --8<-- [start:compare]
def compare_scores(
    serving: pd.Series, batch: pd.Series, tolerance: float = 1e-9
) -> SkewReport:
    """Compare two sets of probabilities for the same records, matched by ID.

    Args:
        serving: Probabilities from the service, indexed by record ID.
        batch: Probabilities from the batch pipeline, indexed by record ID.
        tolerance: The largest absolute difference that counts as equal. Both
            paths run the same model, so anything beyond float rounding is skew.

    Returns:
        The report; ``report.ok`` is the verdict.

    Raises:
        ValueError: If the two sides do not hold exactly the same IDs.
    """
    if not serving.index.is_unique or set(serving.index) != set(batch.index):
        raise ValueError(
            f"the two sides must score the same records once each: serving has"
            f" {len(serving)} ({serving.index.nunique()} unique), batch"
            f" {len(batch)}, {len(set(serving.index) ^ set(batch.index))} IDs"
            " on one side only"
        )
    diff = (serving - batch.reindex(serving.index)).abs()
    worst = diff[diff > tolerance].sort_values(ascending=False, kind="stable")
    return SkewReport(
        rows=len(diff),
        max_abs_diff=float(diff.max()),
        mismatches=len(worst),
        tolerance=tolerance,
        worst=tuple(str(i) for i in worst.index[:5]),
    )


# --8<-- [end:compare]


# --8<-- [start:check]
def check_skew(
    client: Client,
    model: Pipeline,
    frame: pd.DataFrame,
    tolerance: float = 1e-9,
) -> SkewReport:
    """Score the same records through the service and the batch path; compare.

    Args:
        client: A client for the service that serves ``model``.
        model: The model the batch pipeline uses.
        frame: Customers with ``customer_id`` and every feature, e.g. a sample
            of yesterday's traffic.
        tolerance: See `compare_scores`.

    Returns:
        The report.
    """
    serving = service_scores(client, frame)
    return compare_scores(serving, batch_scores(model, frame), tolerance)


# --8<-- [end:check]
