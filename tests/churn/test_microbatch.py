"""Concurrent submissions share model calls; every caller gets its own answer."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from churn.microbatch import MicroBatcher


class Recorder:
    """A batch scoring function that doubles numbers and records each batch."""

    def __init__(self, fail_on: int | None = None) -> None:
        self.batches: list[list[int]] = []
        self.fail_on = fail_on

    def __call__(self, items: list[int]) -> list[int]:
        """Record the batch, then score it (or fail on `fail_on`)."""
        self.batches.append(list(items))
        if self.fail_on in items:
            raise ValueError(f"cannot score {self.fail_on}")
        return [2 * item for item in items]


def submit_together(
    recorder: Recorder, items: Sequence[int], max_batch: int = 64
) -> tuple[list[int | BaseException], int]:
    """Submit every item at once, as concurrent requests do; results and calls."""
    batcher = MicroBatcher(recorder, max_batch=max_batch)

    async def scenario() -> list[int | BaseException]:
        calls = [batcher.submit(item) for item in items]
        return await asyncio.gather(*calls, return_exceptions=True)

    return asyncio.run(scenario()), batcher.calls


def test_requests_submitted_together_share_one_call() -> None:
    recorder = Recorder()
    results, calls = submit_together(recorder, [0, 1, 2, 3, 4, 5])
    assert results == [0, 2, 4, 6, 8, 10]
    assert recorder.batches == [[0, 1, 2, 3, 4, 5]]
    assert calls == 1


def test_a_batch_holds_at_most_max_batch_items() -> None:
    recorder = Recorder()
    results, calls = submit_together(recorder, [0, 1, 2, 3, 4], max_batch=2)
    assert results == [0, 2, 4, 6, 8]
    assert recorder.batches == [[0, 1], [2, 3], [4]]
    assert calls == 3


def test_requests_one_after_another_each_get_a_call() -> None:
    recorder = Recorder()
    batcher = MicroBatcher(recorder)

    async def one_by_one() -> list[int]:
        return [await batcher.submit(1), await batcher.submit(2)]

    assert asyncio.run(one_by_one()) == [2, 4]
    assert recorder.batches == [[1], [2]]


def test_an_error_reaches_every_caller_of_its_batch_and_no_other() -> None:
    recorder = Recorder(fail_on=3)
    results, _ = submit_together(recorder, [0, 1, 2, 3], max_batch=2)
    assert results[:2] == [0, 2]
    assert [str(error) for error in results[2:]] == ["cannot score 3"] * 2


def test_a_wrong_number_of_results_is_an_error_for_each_caller() -> None:
    def short(items: list[int]) -> list[int]:
        return items[:-1]

    async def submit_two() -> list[BaseException]:
        batcher = MicroBatcher(short)
        calls = [batcher.submit(1), batcher.submit(2)]
        return await asyncio.gather(*calls, return_exceptions=True)

    errors = asyncio.run(submit_two())
    assert [str(error) for error in errors] == ["scored 1 results for 2 items"] * 2


def test_a_caller_that_left_is_skipped() -> None:
    recorder = Recorder()
    batcher = MicroBatcher(recorder)

    async def scenario() -> list[object]:
        tasks = [asyncio.ensure_future(batcher.submit(i)) for i in range(3)]
        await asyncio.sleep(0)  # every task has submitted; none is answered yet
        tasks[1].cancel()  # the client went away
        answers = await asyncio.gather(*tasks, return_exceptions=True)
        return [answers[0], answers[2], tasks[1].cancelled()]

    assert asyncio.run(scenario()) == [0, 4, True]
    assert recorder.batches == [[0, 1, 2]]  # scored, but nobody was waiting for 1


@pytest.mark.parametrize("max_batch", [0, -1])
def test_max_batch_must_be_positive(max_batch: int) -> None:
    with pytest.raises(ValueError, match=f"at least 1, got {max_batch}"):
        MicroBatcher(Recorder(), max_batch=max_batch)
