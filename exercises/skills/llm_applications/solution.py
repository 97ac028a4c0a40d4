"""One answer to the exercise of docs/skills/llm-applications.md.

Entries remember when they were stored; a read of one that is too old removes it and
counts a miss, so the caller asks the model again and stores a fresh answer. The
snapshot goes into the key as a field of its own, so a new snapshot never matches an
old answer. Read it after your own attempt.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from skills.llm import ResponseCache, Triage, cache_key


class ExpiringResponseCache(ResponseCache):
    """A ``ResponseCache`` whose entries expire ``max_age_s`` seconds after storing.

    Args:
        max_entries: The most answers kept, as for ``ResponseCache``.
        max_age_s: How long an entry may answer, in seconds; more than 0.
        clock: Returns the time in seconds; tests pass a ``ManualClock``.

    Raises:
        ValueError: If ``max_age_s`` is not more than 0.
    """

    def __init__(
        self,
        max_entries: int = 10_000,
        *,
        max_age_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not max_age_s > 0:  # also refuses NaN
            raise ValueError(f"max_age_s must be more than 0, got {max_age_s!r}")
        super().__init__(max_entries)
        self.max_age_s = max_age_s
        self._clock = clock
        self._stored_at: dict[str, float] = {}

    def get(self, key: str) -> Triage | None:
        """The answer stored under ``key``; None if there is none or it is too old."""
        stored_at = self._stored_at.get(key)
        if stored_at is not None and self._clock() - stored_at >= self.max_age_s:
            self._entries.pop(key, None)
            del self._stored_at[key]
        return super().get(key)

    def put(self, key: str, answer: Triage) -> None:
        """Store an answer, and the time it was stored."""
        if key not in self._entries and len(self._entries) >= self.max_entries:
            # ResponseCache is about to evict its oldest entry: forget its time too.
            self._stored_at.pop(next(iter(self._entries)), None)
        self._stored_at[key] = self._clock()
        super().put(key, answer)


def snapshot_key(prompt_version: str, model: str, snapshot: str, message: str) -> str:
    """The cache key when the provider reports which snapshot of ``model`` answered.

    The model and its snapshot stay two fields of a JSON list, so no pair of them
    can run together into another pair's key.

    Args:
        prompt_version: The version of the prompt, ``PromptConfig.version``.
        model: The model's name, as the prompt was written for it.
        snapshot: The snapshot that answered, as the provider reports it.
        message: The message, after redaction.

    Returns:
        A hash, equal only for the same four values.
    """
    return cache_key(prompt_version, json.dumps([model, snapshot]), message)
