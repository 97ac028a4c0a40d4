"""Exercise: give the LLM response cache a time-to-live, and the model snapshot a key.

From docs/skills/llm-applications.md. A hosted model can change under a fixed name,
and a cache keyed by that name keeps serving what the old model said. Make entries
older than ``max_age_s`` count as misses, and write the key you would use if your
provider reported the model snapshot that answered.

Edit this file, then run ``make exercise NAME=skills/llm_applications``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from skills.llm import ResponseCache, Triage, cache_key


class ExpiringResponseCache(ResponseCache):
    """A ``ResponseCache`` whose entries expire ``max_age_s`` seconds after storing.

    Args:
        max_entries: The most answers kept, as for ``ResponseCache``.
        max_age_s: How long an entry may answer, in seconds; more than 0.
        clock: Returns the time in seconds; tests pass a ``ManualClock``.
    """

    def __init__(
        self,
        max_entries: int = 10_000,
        *,
        max_age_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(max_entries)
        # TODO: refuse a max_age_s that is not more than 0, naming the argument.
        # TODO: keep max_age_s and clock, and the time each entry was stored.

    def get(self, key: str) -> Triage | None:
        """The answer stored under ``key``; None if there is none or it is too old."""
        # TODO: an entry older than max_age_s is a miss, and leaves self._entries.
        return super().get(key)

    def put(self, key: str, answer: Triage) -> None:
        """Store an answer, and the time it was stored."""
        # TODO: remember when this entry was stored.
        super().put(key, answer)


def snapshot_key(prompt_version: str, model: str, snapshot: str, message: str) -> str:
    """The cache key when the provider reports which snapshot of ``model`` answered.

    Args:
        prompt_version: The version of the prompt, ``PromptConfig.version``.
        model: The model's name, as the prompt was written for it.
        snapshot: The snapshot that answered, as the provider reports it.
        message: The message, after redaction.
    """
    # TODO: a new snapshot must never match an answer of the old one.
    return cache_key(prompt_version, model, message)
