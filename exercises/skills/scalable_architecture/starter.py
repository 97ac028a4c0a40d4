"""Exercise: scale queue workers on the queue, not on CPU.

From docs/skills/scalable-architecture.md. Workers that drain a queue should scale
on its backlog: write ``queue_workers``, which says how many workers empty the
backlog within a deadline, bounded by a minimum and a maximum, and ``queue_cap``,
the longest queue the most workers can still empty in time.

Edit this file, then run ``make exercise NAME=skills/scalable_architecture``.
"""


def queue_workers(
    backlog: int,
    per_worker_per_s: float,
    drain_within_s: float,
    min_workers: int,
    max_workers: int,
) -> int:
    """Return how many workers empty ``backlog`` jobs within ``drain_within_s``.

    Args:
        backlog: Jobs waiting in the queue, at least 0.
        per_worker_per_s: Jobs one worker finishes per second, more than 0.
        drain_within_s: Seconds in which the backlog must be empty, more than 0.
        min_workers: The fewest workers to keep.
        max_workers: The most workers to run, at least ``min_workers``.

    Raises:
        ValueError: If an argument is out of range; the message names it.
    """
    # TODO: refuse nonsense as hpa_desired_replicas does, naming the argument. The
    # checks of skills.capacity (_non_negative, _positive, _whole, _ceil) are yours
    # to import.
    # TODO: the workers the backlog needs, rounded up (ignoring float noise, as
    # skills.capacity's _ceil does), then kept within min_workers and max_workers.
    return min_workers


def queue_cap(per_worker_per_s: float, max_workers: int, drain_within_s: float) -> int:
    """Return the most jobs the queue may hold, so that every one is done in time.

    Args:
        per_worker_per_s: Jobs one worker finishes per second, more than 0.
        max_workers: The most workers that can run.
        drain_within_s: Seconds in which every accepted job must be done.
    """
    # TODO: a job beyond this cap would be accepted and never done in time, so the
    # queue refuses it at once.
    return 0
