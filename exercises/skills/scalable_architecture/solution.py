"""One answer to the exercise of docs/skills/scalable-architecture.md.

The workers a backlog needs are its jobs over what one worker does within the
deadline, rounded up with ``skills.capacity``'s ``_ceil`` so that float noise buys
no extra worker; the bounds come last, as in ``hpa_desired_replicas``. The queue's
cap is what ``max_workers`` workers finish within the deadline: one job more is
accepted only to miss it. Read it after your own attempt.
"""

import math

from skills.capacity import _ceil, _non_negative, _positive, _whole


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
    jobs = _non_negative("backlog", backlog)
    rate = _positive("per_worker_per_s", per_worker_per_s)
    within = _positive("drain_within_s", drain_within_s)
    low = _whole("min_workers", min_workers, 0)
    high = _whole("max_workers", max_workers, max(low, 1))
    needed = _ceil(jobs / (rate * within))
    return min(high, max(low, needed))


def queue_cap(per_worker_per_s: float, max_workers: int, drain_within_s: float) -> int:
    """Return the most jobs the queue may hold, so that every one is done in time.

    Args:
        per_worker_per_s: Jobs one worker finishes per second, more than 0.
        max_workers: The most workers that can run.
        drain_within_s: Seconds in which every accepted job must be done.

    Raises:
        ValueError: If an argument is out of range; the message names it.
    """
    rate = _positive("per_worker_per_s", per_worker_per_s)
    workers = _whole("max_workers", max_workers, 1)
    within = _positive("drain_within_s", drain_within_s)
    return math.floor(round(workers * rate * within, 9))
