"""Micro-batching: concurrent single-record requests share one model call.

A model call has a fixed cost that does not depend on the number of rows: for the
churn model, one row and a hundred rows cost about the same. When eight clients each
send one record, scoring them one by one pays that cost eight times. `MicroBatcher`
queues the records and scores everything that arrived while the previous call ran,
in one call. Under light load a batch holds one record and nothing waits; under heavy
load batches grow by themselves. No timer is involved, so no request is ever held
back waiting for company.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


# --8<-- [start:batcher]
class MicroBatcher(Generic[Item, Result]):
    """Score items submitted concurrently in batches, one batch at a time.

    Args:
        score: Scores a batch; returns one result per item, in order. It runs in
            `executor`, never on the event loop.
        executor: Where `score` runs, e.g. a one-thread pool for the model.
        max_batch: The most items one call scores; the rest wait for the next.
    """

    def __init__(
        self,
        score: Callable[[list[Item]], Sequence[Result]],
        executor: Executor,
        max_batch: int = 64,
    ) -> None:
        if max_batch < 1:
            raise ValueError(f"max_batch must be at least 1, got {max_batch}")
        self._score = score
        self._executor = executor
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
        loop = asyncio.get_running_loop()
        try:
            while self._queue:
                batch = self._queue[: self._max_batch]
                del self._queue[: self._max_batch]
                items = [item for item, _ in batch]
                self.calls += 1
                try:
                    results = await loop.run_in_executor(
                        self._executor, self._score, items
                    )
                except Exception as error:  # every caller of the batch gets it
                    _settle(batch, error=error)
                else:
                    _settle(batch, results=results)
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
