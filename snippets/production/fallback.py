"""Graceful degradation: a worse answer, clearly marked, instead of no answer.

When the model cannot answer (it is not loaded, it raises, it returns NaN), many
callers are better served by a rough answer than by an error: a retention
campaign can still run on churn rates by contract type. `FallbackPredictor` tries
the primary model, then a simple fallback model, then a documented constant. Every
answer says where it came from and whether it is degraded, and every degraded
answer is counted in a Prometheus counter, so degradation is visible on a
dashboard instead of silently lowering quality.
"""

from __future__ import annotations

# --8<-- [start:imports]
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Self

import numpy as np
import pandas as pd
from prometheus_client import CollectorRegistry, Counter
from sklearn.pipeline import Pipeline

from churn.data import TARGET
from churn.features import FEATURES

# --8<-- [end:imports]

# --8<-- [start:types]
Scorer = Callable[[pd.DataFrame], Sequence[float]]
Source = Literal["primary", "fallback", "default"]
# --8<-- [end:types]


def model_scorer(model: Pipeline) -> Scorer:
    """Wrap a fitted churn pipeline as a function from rows to probabilities."""

    def score(frame: pd.DataFrame) -> Sequence[float]:
        return model.predict_proba(frame[FEATURES])[:, 1]

    return score


# --8<-- [start:rates]
@dataclass(frozen=True)
class RateTable:
    """The simplest fallback model: the training churn rate per value of one column.

    Attributes:
        column: The column looked up, e.g. ``contract``.
        rates: The churn rate of each value seen in training.
        overall: The overall churn rate, for a value training never saw.
    """

    column: str
    rates: dict[str, float]
    overall: float

    @classmethod
    def fit(cls, frame: pd.DataFrame, column: str) -> Self:
        """Learn the churn rate per value of ``column`` from labelled rows."""
        by_value = frame.groupby(column)[TARGET].mean()
        rates = {str(value): float(rate) for value, rate in by_value.items()}
        return cls(column, rates, float(frame[TARGET].mean()))

    def __call__(self, frame: pd.DataFrame) -> list[float]:
        """Return the churn rate of each row's value."""
        return [self.rates.get(str(v), self.overall) for v in frame[self.column]]


# --8<-- [end:rates]


# --8<-- [start:answer]
@dataclass(frozen=True)
class Answer:
    """Probabilities for a batch of rows, and where they came from.

    Attributes:
        probabilities: One churn probability per row, in order.
        source: ``primary``, ``fallback`` or ``default``.
        degraded: True unless the primary model answered.
        reason: Why the primary (and fallback) did not answer, or None.
    """

    probabilities: tuple[float, ...]
    source: Source
    degraded: bool
    reason: str | None


def _checked(scores: Sequence[float], rows: int) -> tuple[float, ...]:
    """The scores, if they are one probability per row; otherwise raise why not."""
    values = np.asarray(scores, dtype=float)
    if values.shape != (rows,):
        raise ValueError(f"returned {values.size} scores for {rows} rows")
    if not np.all((values >= 0) & (values <= 1)):  # NaN fails both comparisons
        raise ValueError(
            "returned a value that is not a probability (NaN or outside 0-1)"
        )
    return tuple(float(v) for v in values)


# --8<-- [end:answer]


# --8<-- [start:predictor]
class FallbackPredictor:
    """Answer from the primary model, else the fallback, else a documented default.

    Args:
        primary: The model to use while it works.
        fallback: A simpler model with fewer ways to fail, or None.
        default: The constant answered when both fail; document its meaning
            (here: the training churn rate).
        registry: Where the degraded-answer counter lives; a fresh one if None.
    """

    def __init__(
        self,
        primary: Scorer,
        fallback: Scorer | None,
        default: float,
        registry: CollectorRegistry | None = None,
    ) -> None:
        if not 0 <= default <= 1:
            raise ValueError(f"default must be a probability in [0, 1], got {default}")
        self.primary, self.fallback, self.default = primary, fallback, default
        self.registry = registry or CollectorRegistry()
        self.degraded_answers = Counter(
            "churn_degraded_answers",
            "Requests answered without the primary model, by source.",
            ["source"],
            registry=self.registry,
        )

    def predict(self, frame: pd.DataFrame) -> Answer:
        """Score ``frame``'s rows with the first source that gives valid answers."""
        try:
            scores = _checked(self.primary(frame), len(frame))
            return Answer(scores, "primary", degraded=False, reason=None)
        except Exception as error:  # any failure of the model degrades, never 500s
            reason = f"primary: {type(error).__name__}: {error}"
        if self.fallback is not None:
            try:
                scores = _checked(self.fallback(frame), len(frame))
                return self._degraded(scores, "fallback", reason)
            except Exception as error:
                reason += f"; fallback: {type(error).__name__}: {error}"
        return self._degraded((self.default,) * len(frame), "default", reason)

    def _degraded(
        self, scores: tuple[float, ...], source: Source, reason: str
    ) -> Answer:
        self.degraded_answers.labels(source).inc()
        return Answer(scores, source, degraded=True, reason=reason)

    def count(self, source: Source) -> int:
        """Degraded answers given so far from ``fallback`` or ``default``."""
        value = self.registry.get_sample_value(
            "churn_degraded_answers_total", {"source": source}
        )
        return int(value or 0)


# --8<-- [end:predictor]
