"""One answer to the exercise of docs/skills/caching-and-batching.md.

Entries remember when they were stored; before each lookup, the ones that are too
old leave the cache, so ``PredictionCache.predict`` scores them again and stores
them with a new age. Read it after your own attempt.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from skills.cache import PredictionCache, Record, Result, cache_key


class ExpiringCache(PredictionCache[Result]):
    """A ``PredictionCache`` whose entries expire ``max_age_s`` seconds after storing.

    Args:
        predict: Scores a batch of records, as for ``PredictionCache``.
        model_version: The version of the model behind ``predict``.
        max_entries: The most results kept.
        max_age_s: How long an entry may answer, in seconds; more than 0.
        clock: Returns the time in seconds; tests pass one they can move.
    """

    def __init__(
        self,
        predict: Callable[[list[Record]], Sequence[Result]],
        model_version: str,
        max_entries: int = 10_000,
        *,
        max_age_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not max_age_s > 0:  # also refuses NaN
            raise ValueError(f"max_age_s must be more than 0, got {max_age_s!r}")
        super().__init__(predict, model_version, max_entries)
        self.max_age_s = max_age_s
        self._clock = clock
        self._stored_at: dict[str, float] = {}

    def predict(self, records: Sequence[Record]) -> list[Result]:
        """One result per record; an entry older than ``max_age_s`` is scored again."""
        now = self._clock()
        for record in records:
            key = cache_key(self.model_version, record)
            if key in self._entries and now - self._stored_at[key] >= self.max_age_s:
                del self._entries[key]
        return super().predict(records)

    def _store(self, key: str, result: Result) -> None:
        if key not in self._entries and len(self._entries) >= self.max_entries:
            # PredictionCache is about to evict its oldest entry: forget its time too.
            self._stored_at.pop(next(iter(self._entries)), None)
        self._stored_at[key] = self._clock()
        super()._store(key, result)
