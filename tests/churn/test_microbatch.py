"""Concurrent submissions share model calls; every caller gets its own answer."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest

from churn.microbatch import MicroBatcher


class Recorder:
    """A batch scoring function that doubles numbers and records each batch.

    The first call waits for `release`, so the test can queue requests behind it.
    """

    def __init__(self, fail_on: int | None = None) -> None:
        self.batches: list[list[int]] = []
        self.started = threading.Event()
        self.release = threading.Event()
        self.fail_on = fail_on

    def __call__(self, items: list[int]) -> list[int]:
        """Record the batch, wait for release on the first call, then score."""
        self.batches.append(list(items))
        self.started.set()
        self.release.wait(timeout=30)  # a guard against a hung test, not a check
        if self.fail_on in items:
            raise ValueError(f"cannot score {self.fail_on}")
        return [2 * item for item in items]


async def gather_behind_first(
    batcher: MicroBatcher[int, int], recorder: Recorder, rest: Sequence[int]
) -> list[int | BaseException]:
    """Submit 0, wait until it is being scored, queue `rest`, then release."""
    first = asyncio.ensure_future(batcher.submit(0))
    await asyncio.to_thread(recorder.started.wait, 30)
    others = [asyncio.ensure_future(batcher.submit(item)) for item in rest]
    await asyncio.sleep(0)  # let every submission reach the queue
    recorder.release.set()
    return await asyncio.gather(first, *others, return_exceptions=True)


def run(
    recorder: Recorder, rest: Sequence[int], max_batch: int = 64
) -> tuple[list[int | BaseException], int]:
    with ThreadPoolExecutor(1) as pool:
        batcher = MicroBatcher(recorder, pool, max_batch=max_batch)
        results = asyncio.run(gather_behind_first(batcher, recorder, rest))
    return results, batcher.calls


def test_requests_that_queue_during_a_call_share_the_next_call() -> None:
    recorder = Recorder()
    results, calls = run(recorder, [1, 2, 3, 4, 5])
    assert results == [0, 2, 4, 6, 8, 10]
    assert recorder.batches == [[0], [1, 2, 3, 4, 5]]
    assert calls == 2


def test_a_batch_holds_at_most_max_batch_items() -> None:
    recorder = Recorder()
    results, calls = run(recorder, [1, 2, 3, 4, 5], max_batch=2)
    assert results == [0, 2, 4, 6, 8, 10]
    assert recorder.batches == [[0], [1, 2], [3, 4], [5]]
    assert calls == 4


def test_an_error_reaches_every_caller_of_its_batch_and_no_other() -> None:
    recorder = Recorder(fail_on=3)
    results, _ = run(recorder, [1, 2, 3, 4], max_batch=2)  # [0], [1, 2], [3, 4]
    assert results[:3] == [0, 2, 4]
    assert [str(error) for error in results[3:]] == ["cannot score 3"] * 2


def test_a_wrong_number_of_results_is_an_error_for_each_caller() -> None:
    def short(items: list[int]) -> list[int]:
        return items[:-1]

    async def submit_two(batcher: MicroBatcher[int, int]) -> list[BaseException]:
        calls = [batcher.submit(1), batcher.submit(2)]
        return await asyncio.gather(*calls, return_exceptions=True)

    with ThreadPoolExecutor(1) as pool:
        errors = asyncio.run(submit_two(MicroBatcher(short, pool)))
    assert [str(error) for error in errors] == ["scored 1 results for 2 items"] * 2


def test_a_caller_that_left_is_skipped() -> None:
    recorder = Recorder()

    async def scenario(batcher: MicroBatcher[int, int]) -> list[object]:
        first = asyncio.ensure_future(batcher.submit(0))
        await asyncio.to_thread(recorder.started.wait, 30)
        leaving = asyncio.ensure_future(batcher.submit(1))
        staying = asyncio.ensure_future(batcher.submit(2))
        await asyncio.sleep(0)
        leaving.cancel()
        recorder.release.set()
        return [await first, await staying, leaving.cancelled()]

    with ThreadPoolExecutor(1) as pool:
        assert asyncio.run(scenario(MicroBatcher(recorder, pool))) == [0, 4, True]
    assert recorder.batches == [[0], [1, 2]]


@pytest.mark.parametrize("max_batch", [0, -1])
def test_max_batch_must_be_positive(max_batch: int) -> None:
    score: Callable[[list[int]], list[int]] = list
    with (
        ThreadPoolExecutor(1) as pool,
        pytest.raises(ValueError, match=f"at least 1, got {max_batch}"),
    ):
        MicroBatcher(score, pool, max_batch=max_batch)
