"""Checks for the exercise of docs/skills/caching-and-batching.md: a time-to-live."""

from __future__ import annotations

from types import ModuleType

import pytest

from skills.cache import PredictionCache

CUSTOMER = {"tenure_months": 12, "monthly_charges": 70.0}


class Clock:
    """A clock the checks move by hand: no check sleeps."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        """The time now, in seconds."""
        return self.now


class Model:
    """Counts the records it is asked to score."""

    def __init__(self) -> None:
        self.scored = 0

    def __call__(self, records: list[dict]) -> list[float]:
        """Score every record 0.5, counting them."""
        self.scored += len(records)
        return [0.5] * len(records)


def cache(exercise: ModuleType, max_age_s: float = 10.0, max_entries: int = 100):
    """An ``ExpiringCache`` from the file under check, its model and its clock."""
    model, clock = Model(), Clock()
    made = exercise.ExpiringCache(
        model, "v1", max_entries, max_age_s=max_age_s, clock=clock
    )
    return made, model, clock


def test_a_young_entry_is_a_hit(exercise: ModuleType) -> None:
    """An entry younger than max_age_s is answered from memory."""
    made, model, clock = cache(exercise)
    made.predict([CUSTOMER])
    clock.now += 9.9
    made.predict([CUSTOMER])
    assert model.scored == 1, (
        f"read 9.9 s after storing, with max_age_s=10, the record was scored "
        f"{model.scored} times: want once, the second read from memory"
    )


def test_an_old_entry_is_a_miss(exercise: ModuleType) -> None:
    """An entry older than max_age_s is scored again."""
    made, model, clock = cache(exercise)
    made.predict([CUSTOMER])
    clock.now += 10.1
    made.predict([CUSTOMER])
    assert model.scored == 2, (
        "read 10.1 s after storing, with max_age_s=10, the record came from memory: "
        "want it scored again"
    )
    assert (made.hits, made.misses) == (0, 2), (
        f"hits and misses are {made.hits} and {made.misses}: an expired entry "
        "counts as a miss, so want 0 and 2"
    )


def test_a_refreshed_entry_gets_a_new_age(exercise: ModuleType) -> None:
    """An entry scored again counts its age from then."""
    made, model, clock = cache(exercise)
    made.predict([CUSTOMER])
    clock.now += 10.1
    made.predict([CUSTOMER])  # expired: scored again at this moment
    clock.now += 5
    made.predict([CUSTOMER])
    assert model.scored == 2, (
        "5 s after the record was scored again it was scored a third time: "
        "the age of a refreshed entry starts when it is stored again"
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
    """With a max_age_s longer than the run, hits and misses are PredictionCache's."""
    stream = [{"customer": n % 7} for n in range(50)]
    made, _, clock = cache(exercise, max_age_s=3_600, max_entries=5)
    plain = PredictionCache(Model(), "v1", 5)
    for record in stream:
        clock.now += 1
        made.predict([record])
        plain.predict([record])
    assert (made.hits, made.misses) == (plain.hits, plain.misses), (
        f"over 50 reads in 50 s with max_age_s=3600: {made.hits} hits and "
        f"{made.misses} misses, against PredictionCache's {plain.hits} and "
        f"{plain.misses}: a time-to-live longer than the run must change nothing"
    )
