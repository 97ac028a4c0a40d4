"""Exercise: give the prediction cache a time-to-live.

From docs/skills/caching-and-batching.md. A customer whose data changed can get
yesterday's score from a cache that forgets an entry only when it needs the room.
Make entries older than ``max_age_s`` count as misses, so they are scored again.

Edit this file, then run ``make exercise NAME=skills/caching_and_batching``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from skills.cache import PredictionCache, Record, Result


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
        super().__init__(predict, model_version, max_entries)
        # TODO: refuse a max_age_s that is not more than 0, naming the argument.
        # TODO: keep max_age_s and clock, and the time each entry was stored.

    # TODO: make an entry older than max_age_s a miss. PredictionCache.predict looks
    # entries up in self._entries and stores new ones with self._store(key, result).
