"""Checks for the exercise of docs/skills/llm-applications.md: a time-to-live."""

from __future__ import annotations

from types import ModuleType

import pytest

from skills.llm import ManualClock, ResponseCache, Triage, cache_key

ANSWER = Triage(label="billing", urgency=1, summary="Where is my invoice?")
KEY = cache_key("8b4f52f4e80f", "large-model", "Where is my invoice?")
MESSAGE = "Where is my invoice? My email is jo@example.com"


def cache(exercise: ModuleType, max_age_s: float = 60.0, max_entries: int = 100):
    """An ``ExpiringResponseCache`` from the file under check, and its clock."""
    clock = ManualClock(1_000.0)
    made = exercise.ExpiringResponseCache(max_entries, max_age_s=max_age_s, clock=clock)
    return made, clock


def test_a_young_entry_is_a_hit(exercise: ModuleType) -> None:
    """An entry read just before max_age_s is a hit."""
    made, clock = cache(exercise)
    made.put(KEY, ANSWER)
    clock.advance(59.9)
    found = made.get(KEY)
    assert found == ANSWER, (
        f"read 59.9 s after storing, with max_age_s=60, the cache answered {found!r}: "
        "want the stored answer"
    )
    assert (made.hits, made.misses) == (1, 0), (
        f"hits and misses are {made.hits} and {made.misses}: want 1 and 0"
    )


def test_an_old_entry_is_a_miss(exercise: ModuleType) -> None:
    """An entry read just after max_age_s is a miss, counted as one."""
    made, clock = cache(exercise)
    made.put(KEY, ANSWER)
    clock.advance(60.1)
    found = made.get(KEY)
    assert found is None, (
        "read 60.1 s after storing, with max_age_s=60, the cache still answered: "
        "want None, so the model is asked again"
    )
    assert (made.hits, made.misses) == (0, 1), (
        f"hits and misses are {made.hits} and {made.misses}: an expired entry "
        "counts as a miss, so want 0 and 1"
    )


def test_an_old_entry_is_gone(exercise: ModuleType) -> None:
    """An expired entry leaves the cache when it is read."""
    made, clock = cache(exercise)
    made.put(KEY, ANSWER)
    clock.advance(60.1)
    made.get(KEY)
    assert KEY not in made._entries, (
        "after reading an expired entry it is still in the cache's _entries: "
        "remove it, so it no longer takes the room of a live answer"
    )


def test_a_stored_again_entry_gets_a_new_age(exercise: ModuleType) -> None:
    """An entry stored again counts its age from then."""
    made, clock = cache(exercise)
    made.put(KEY, ANSWER)
    clock.advance(60.1)
    made.get(KEY)  # expired: the application asks the model and stores again
    made.put(KEY, ANSWER)
    clock.advance(30)
    assert made.get(KEY) == ANSWER, (
        "30 s after the answer was stored again, the cache missed: the age of an "
        "entry starts when it is stored, the last time"
    )


@pytest.mark.parametrize("bad", [0, -1.0, float("nan")])
def test_a_nonsense_age_is_refused(exercise: ModuleType, bad: float) -> None:
    """A max_age_s that is not more than 0 is refused with a message naming it."""
    with pytest.raises(ValueError, match="max_age_s") as refused:
        cache(exercise, max_age_s=bad)
    assert repr(bad) in str(refused.value) or str(bad) in str(refused.value), (
        f"the error says {str(refused.value)!r}: name the value you refused"
    )


def test_a_long_age_changes_nothing(exercise: ModuleType) -> None:
    """With a max_age_s longer than the run, hits and misses are ResponseCache's."""
    keys = [cache_key("v1", "large-model", f"message {n % 7}") for n in range(50)]
    made, clock = cache(exercise, max_age_s=3_600, max_entries=5)
    plain = ResponseCache(max_entries=5)
    for key in keys:
        clock.advance(1)
        for each in (made, plain):
            if each.get(key) is None:
                each.put(key, ANSWER)
    assert (made.hits, made.misses) == (plain.hits, plain.misses), (
        f"over 50 reads in 50 s with max_age_s=3600: {made.hits} hits and "
        f"{made.misses} misses, against ResponseCache's {plain.hits} and "
        f"{plain.misses}: a time-to-live longer than the run must change nothing"
    )


def test_a_new_snapshot_gets_a_new_key(exercise: ModuleType) -> None:
    """A new snapshot gets a new key, and the same one the same key."""
    key = exercise.snapshot_key("8b4f52f4e80f", "large-model", "2026-11-20", MESSAGE)
    again = exercise.snapshot_key("8b4f52f4e80f", "large-model", "2026-11-20", MESSAGE)
    assert key == again, (
        "the same prompt version, model, snapshot and message gave two keys: want "
        "one, or no answer is ever found again"
    )
    newer = exercise.snapshot_key("8b4f52f4e80f", "large-model", "2026-12-01", MESSAGE)
    assert newer != key, (
        "snapshots 2026-11-20 and 2026-12-01 of large-model give the same key: a new "
        "snapshot must never be served the old one's answers"
    )


def test_the_key_keeps_no_message(exercise: ModuleType) -> None:
    """snapshot_key does not keep the message's text in the key."""
    key = exercise.snapshot_key("8b4f52f4e80f", "large-model", "2026-11-20", MESSAGE)
    for word in ("jo@example.com", "invoice"):
        assert word not in key, (
            f"the key {key!r} holds the message's text: hash it, as cache_key does, "
            "so a key in a log or a cache server shows nothing of the customer"
        )


@pytest.mark.parametrize("sep", ["", "-", "@", ":", "/", "_", " ", "|"])
def test_model_and_snapshot_do_not_run_together(exercise: ModuleType, sep: str) -> None:
    """Two different models and snapshots never share a key."""
    one = exercise.snapshot_key("v1", "large-model", f"2026{sep}01", MESSAGE)
    two = exercise.snapshot_key("v1", f"large-model{sep}2026", "01", MESSAGE)
    assert one != two, (
        f"model 'large-model' with snapshot '2026{sep}01' and model "
        f"'large-model{sep}2026' with snapshot '01' give the same key: keep the two "
        "apart as separate fields (cache_key writes its fields as a JSON list)"
    )
