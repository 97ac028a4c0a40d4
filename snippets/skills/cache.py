"""A prediction cache: answer a repeated request without calling the model again.

Some inputs come back again and again: the same customer opened twice in a minute,
the same product page viewed by many people. For those, the answer the model gave a
moment ago is still the answer, and a dictionary lookup costs microseconds where a
model call costs milliseconds.

The key is the model version plus a canonical form of the record. Without the
version, a new model would keep serving the old model's answers; with it, a rollout
or a rollback simply stops matching the old entries, which then age out.
"""

from __future__ import annotations

# --8<-- [start:imports]
import hashlib
import json
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

# --8<-- [end:imports]

# --8<-- [start:types]
Record = Mapping[str, Any]
Result = TypeVar("Result")
# --8<-- [end:types]


# --8<-- [start:key]
def cache_key(model_version: str, record: Record) -> str:
    """Return a key that is equal for equal records scored by the same model.

    The record is written as JSON with sorted keys and no spaces, so field order
    and formatting do not matter, then hashed: the key has a fixed length whatever
    the record's size, and it does not carry the record's values (which may be
    personal data) into a shared cache's keys or logs.

    Key the record after validation, when types are settled: ``1`` and ``1.0``
    are different JSON, so a schema that turns both into ``1.0`` makes them hit
    the same entry.

    Args:
        model_version: The version of the model that will score the record.
        record: The request's features, JSON-serialisable.

    Raises:
        ValueError: If the version is empty or the record cannot be written as JSON.
    """
    if not isinstance(model_version, str) or not model_version:
        raise ValueError(
            f"model_version must be a non-empty string, got {model_version!r}"
        )
    if not isinstance(record, Mapping):
        raise ValueError(f"record must be a mapping of field to value, got {record!r}")
    try:
        canonical = json.dumps(
            dict(record), sort_keys=True, separators=(",", ":"), allow_nan=False
        )
    except (TypeError, ValueError) as error:
        raise ValueError(f"record cannot be keyed ({error}): {record!r}") from error
    return f"{model_version}:{hashlib.sha256(canonical.encode()).hexdigest()}"


# --8<-- [end:key]


# --8<-- [start:cache]
class PredictionCache(Generic[Result]):
    """Answer records seen before from memory; send only new ones to the model.

    Entries are evicted least recently used first once ``max_entries`` is reached,
    so memory stays bounded however many distinct records arrive. Use one cache per
    model: when the model changes, build a new cache with the new version.

    Not thread-safe: call it from one thread, such as an event loop or the single
    thread a model runs on.

    Args:
        predict: Scores a batch of records; returns one result per record, in order.
        model_version: The version of the model behind ``predict``.
        max_entries: The most results kept.
    """

    def __init__(
        self,
        predict: Callable[[list[Record]], Sequence[Result]],
        model_version: str,
        max_entries: int = 10_000,
    ) -> None:
        if isinstance(max_entries, bool) or not isinstance(max_entries, int):
            raise ValueError(f"max_entries must be a whole number, got {max_entries!r}")
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, got {max_entries!r}")
        cache_key(model_version, {})  # fail now, not on the first request
        self._predict = predict
        self.model_version = model_version
        self.max_entries = max_entries
        self._entries: OrderedDict[str, Result] = OrderedDict()
        self.hits = 0  # records answered from memory
        self.misses = 0  # records sent to the model

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def hit_rate(self) -> float:
        """Share of records answered from memory so far; 0.0 before any request."""
        total = self.hits + self.misses
        return self.hits / total if total else 0.0

    def predict(self, records: Sequence[Record]) -> list[Result]:
        """Return one result per record, calling the model only for unseen records.

        A record repeated within one call is scored once.

        Raises:
            ValueError: If a record cannot be keyed, or the model returns a
                different number of results than it was given records.
        """
        keys = [cache_key(self.model_version, record) for record in records]
        answers: dict[str, Result] = {}
        for key in keys:
            if key in self._entries:
                answers[key] = self._entries[key]
                self._entries.move_to_end(key)  # recently used: evicted last
        new = {k: r for k, r in zip(keys, records, strict=True) if k not in answers}
        if new:
            results = self._predict(list(new.values()))
            if len(results) != len(new):
                raise ValueError(
                    f"predict returned {len(results)} results for {len(new)} records"
                )
            answers.update(zip(new, results, strict=True))
            for key, result in zip(new, results, strict=True):
                self._store(key, result)
        self.misses += len(new)
        self.hits += len(keys) - len(new)
        return [answers[key] for key in keys]

    def _store(self, key: str, result: Result) -> None:
        self._entries[key] = result
        if len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)  # the least recently used


# --8<-- [end:cache]
