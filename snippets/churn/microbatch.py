"""Micro-batching: concurrent single-record requests share one model call.

A model call has a fixed cost that hardly depends on the number of rows: scoring
eight records in one call costs far less than eight calls. `MicroBatcher` queues
the records that requests submit and scores, in one call, everything that arrived
while the event loop was busy. Under light load a batch holds one record and
nothing waits; under heavy load batches grow by themselves. No timer is involved,
so no request is ever held back waiting for company.

The call runs on the event loop itself: it is short (well under a millisecond for
a few rows), and a thread would cost more in hand-overs and in contention for the
GIL than it saves. A model call of many milliseconds belongs in an executor.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


# --8<-- [start:batcher]
class MicroBatcher(Generic[Item, Result]):
    """Score items submitted concurrently in batches, one batch at a time.

    Args:
        score: Scores a batch; returns one result per item, in order.
        max_batch: The most items one call scores; the rest wait for the next.
    """

    def __init__(
        self, score: Callable[[list[Item]], Sequence[Result]], max_batch: int = 64
    ) -> None:
        if max_batch < 1:
            raise ValueError(f"max_batch must be at least 1, got {max_batch}")
        self._score = score
        self._max_batch = max_batch
        self._queue: list[tuple[Item, asyncio.Future[Result]]] = []
        self._draining: asyncio.Task[None] | None = None
        self.calls = 0  # model calls made: fewer than requests when batching helps

    async def submit(self, item: Item) -> Result:
        """Queue one item and wait for its result (or the batch's exception)."""
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if self._draining is None:
            # Keep a reference: the loop holds tasks weakly.
            self._draining = asyncio.get_running_loop().create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        """Score queued items batch by batch until the queue is empty."""
        try:
            await asyncio.sleep(0)  # let requests that are ready join this batch
            while self._queue:
                batch = self._queue[: self._max_batch]
                del self._queue[: self._max_batch]
                items = [item for item, _ in batch]
                self.calls += 1
                try:
                    results = self._score(items)
                except Exception as error:  # every caller of the batch gets it
                    _settle(batch, error=error)
                else:
                    _settle(batch, results=results)
                await asyncio.sleep(0)  # answer this batch before scoring the next
        finally:
            self._draining = None


# --8<-- [end:batcher]


def _settle(
    batch: list[tuple[Item, asyncio.Future[Result]]],
    results: Sequence[Result] = (),
    error: Exception | None = None,
) -> None:
    """Give each waiting caller its result, or the error; skip callers who left."""
    if error is None and len(results) != len(batch):
        error = RuntimeError(f"scored {len(results)} results for {len(batch)} items")
    for index, (_, future) in enumerate(batch):
        if future.done():  # the caller was cancelled, e.g. the client went away
            continue
        if error is None:
            future.set_result(results[index])
        else:
            future.set_exception(error)
