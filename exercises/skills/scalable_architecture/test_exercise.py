"""Checks for the exercise of docs/skills/scalable-architecture.md: queue workers."""

from __future__ import annotations

from types import ModuleType

import pytest

HOUR_S = 3600


def workers(count: int) -> str:
    """A count of workers, in words: ``1 worker``, ``3 workers``."""
    return f"{count} worker" if count == 1 else f"{count} workers"


def test_an_empty_queue_gets_the_minimum(exercise: ModuleType) -> None:
    """An empty queue gets the minimum."""
    found = exercise.queue_workers(0, 5.0, 60, min_workers=2, max_workers=10)
    assert found == 2, (
        f"an empty queue, with min_workers=2, gets {found} workers: want 2, the minimum"
    )


def test_a_flood_gets_the_maximum(exercise: ModuleType) -> None:
    """A flood gets the maximum."""
    found = exercise.queue_workers(1_000_000, 5.0, 60, min_workers=2, max_workers=10)
    assert found == 10, (
        f"a million jobs at 5 a second per worker, to drain within 60 s, get "
        f"{workers(found)}: they need 3,334, so want the maximum, 10"
    )


def test_a_part_worker_is_a_whole_one(exercise: ModuleType) -> None:
    """A backlog that needs 2.1 workers gets 3."""
    found = exercise.queue_workers(2_100, 1.0, 1_000, min_workers=1, max_workers=10)
    assert found == 3, (
        f"2,100 jobs at 1 a second per worker, within 1,000 s, get {workers(found)}: "
        "they need 2.1, and a tenth of a worker is a whole one, so want 3"
    )


def test_float_noise_buys_no_worker(exercise: ModuleType) -> None:
    """A backlog that needs exactly 10 workers gets 10, whatever the floats say."""
    found = exercise.queue_workers(9, 0.3, 3, min_workers=1, max_workers=20)
    assert found == 10, (
        f"9 jobs at 0.3 a second per worker, within 3 s, get {workers(found)}: they "
        "need exactly 10, though 9 / (0.3 * 3) is 10.000000000000002 in floats; "
        "round it before you round up"
    )


@pytest.mark.parametrize(
    ("argument", "arguments"),
    [
        pytest.param("backlog", (-1, 5.0, 60, 1, 10), id="a backlog of -1"),
        pytest.param("per_worker_per_s", (100, 0, 60, 1, 10), id="a rate of 0"),
        pytest.param("drain_within_s", (100, 5.0, 0, 1, 10), id="a deadline of 0"),
        pytest.param("max_workers", (100, 5.0, 60, 3, 2), id="max_workers below min"),
    ],
)
def test_nonsense_is_refused(
    exercise: ModuleType, argument: str, arguments: tuple[float, ...]
) -> None:
    """Nonsense is refused with a message that names the argument."""
    with pytest.raises(ValueError, match=argument):
        exercise.queue_workers(*arguments)


def test_the_cap_is_what_the_most_workers_do(exercise: ModuleType) -> None:
    """The queue's cap is what max_workers workers finish within the hour."""
    found = exercise.queue_cap(2.5, max_workers=8, drain_within_s=HOUR_S)
    assert found == 72_000, (
        f"with 8 workers at 2.5 jobs a second and one hour, queue_cap says {found:,}: "
        "want 72,000, what the 8 workers finish in the hour"
    )


def test_the_cap_agrees_with_the_workers(exercise: ModuleType) -> None:
    """A queue at the cap needs max_workers; one job more would need another."""
    cap = exercise.queue_cap(0.3, max_workers=7, drain_within_s=HOUR_S)
    at_cap = exercise.queue_workers(cap, 0.3, HOUR_S, min_workers=1, max_workers=100)
    over = exercise.queue_workers(cap + 1, 0.3, HOUR_S, min_workers=1, max_workers=100)
    assert (at_cap, over) == (7, 8), (
        f"with 7 workers at 0.3 jobs a second, queue_cap is {cap:,}: a backlog that "
        f"long needs {workers(at_cap)} and one job more needs {workers(over)}; want "
        "7 and 8, so that every job the queue accepts is done within the hour"
    )
