"""An asyncio micro-batcher: concurrent requests share one model call.

Most models cost nearly as much to call for one row as for thirty: the fixed cost
(converting inputs, checking them, dispatching to native code) dominates. A service
that calls the model once per request pays that fixed cost for every request.
`MicroBatcher` collects requests for at most ``max_wait_s``, or until ``max_batch``
have arrived, makes one batch call, and hands each caller its own answer.

It takes any batch predict function, so you can put it in front of a scikit-learn
pipeline, an ONNX session or a remote model alike.
"""

from __future__ import annotations

# --8<-- [start:imports]
import asyncio
import contextlib
import math
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from types import TracebackType
from typing import Generic, Self, TypeVar

# --8<-- [end:imports]

# --8<-- [start:queue]
Item = TypeVar("Item")
Result = TypeVar("Result")


class BatcherClosedError(RuntimeError):
    """The batcher is closed, or stopped before it could answer a request."""


@dataclass
class _Waiting(Generic[Item, Result]):
    """One request in the queue: its input, where its answer goes, and its deadline."""

    item: Item
    future: asyncio.Future[Result]
    deadline: float  # loop time by which its batch must start


# --8<-- [end:queue]


# --8<-- [start:microbatcher]
class MicroBatcher(Generic[Item, Result]):
    """Group requests that arrive close together into one call of a batch function.

    A batch starts when ``max_batch`` requests are waiting, or when the oldest has
    waited ``max_wait_s``, whichever comes first. So under heavy load batches fill
    up at once and nobody waits for the timer, and under light load a lone request
    waits at most ``max_wait_s``. ``max_wait_s=0`` takes whatever queued up while
    the previous batch ran, and never waits on purpose.

    One batch runs at a time, in ``executor`` (a thread, by default), so a slow
    model never blocks the event loop. Use one batcher per event loop.

    Args:
        predict: Scores a batch; returns one result per item, in order.
        max_batch: The most items one call receives.
        max_wait_s: The longest a request waits for others to join its batch.
        executor: Where ``predict`` runs; None is the loop's default thread pool.
    """

    def __init__(
        self,
        predict: Callable[[list[Item]], Sequence[Result]],
        *,
        max_batch: int = 32,
        max_wait_s: float = 0.005,
        executor: Executor | None = None,
    ) -> None:
        if isinstance(max_batch, bool) or not isinstance(max_batch, int):
            raise ValueError(f"max_batch must be a whole number, got {max_batch!r}")
        if max_batch < 1:
            raise ValueError(f"max_batch must be at least 1, got {max_batch!r}")
        if isinstance(max_wait_s, bool) or not isinstance(max_wait_s, int | float):
            raise ValueError(f"max_wait_s must be a number, got {max_wait_s!r}")
        if not (math.isfinite(max_wait_s) and max_wait_s >= 0):
            raise ValueError(f"max_wait_s must be finite and >= 0, got {max_wait_s!r}")
        self._predict = predict
        self._max_batch = max_batch
        self._max_wait_s = float(max_wait_s)
        self._executor = executor
        self._pending: list[_Waiting[Item, Result]] = []
        self._changed = asyncio.Event()  # set by every submit and by close
        self._worker: asyncio.Task[None] | None = None
        self._closed = False
        self.calls = 0  # batch calls made
        self.items = 0  # items they scored; items / calls is the mean batch size

    async def __aenter__(self) -> Self:
        self._start()
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def submit(self, item: Item) -> Result:
        """Queue one item and return its result when its batch has run.

        Raises:
            BatcherClosedError: If the batcher is closed.
            Exception: Whatever ``predict`` raised for this item's batch.
        """
        if self._closed:
            raise BatcherClosedError("the batcher is closed: it takes no new requests")
        self._start()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Result] = loop.create_future()
        self._pending.append(_Waiting(item, future, loop.time() + self._max_wait_s))
        self._changed.set()
        return await future

    async def close(self) -> None:
        """Take no new requests, answer every queued one, then stop the worker."""
        self._closed = True
        self._changed.set()
        if self._worker is not None:
            await self._worker

    def _start(self) -> None:
        if self._worker is None:
            # Keep a reference: the event loop holds tasks only weakly.
            self._worker = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        """Start each batch when it is due; on close, drain the queue and stop."""
        loop = asyncio.get_running_loop()
        batch: list[_Waiting[Item, Result]] = []
        try:
            while self._pending or not self._closed:
                if not self._due(loop.time()):
                    await self._wait_for_change(loop)
                    continue
                batch = self._pending[: self._max_batch]
                del self._pending[: self._max_batch]
                await self._answer(batch, loop)
                batch = []
        finally:
            # Reached with callers still waiting only if the worker was cancelled:
            # tell them, rather than leave them waiting forever.
            stopped = BatcherClosedError("the batcher stopped before answering")
            _settle([*batch, *self._pending], error=stopped)
            self._pending.clear()

    def _due(self, now: float) -> bool:
        """Due when full, when the oldest item has waited enough, or on close."""
        if not self._pending:
            return False
        full = len(self._pending) >= self._max_batch
        return full or self._closed or now >= self._pending[0].deadline

    async def _wait_for_change(self, loop: asyncio.AbstractEventLoop) -> None:
        """Sleep until a submit or close, or until the oldest item's deadline."""
        self._changed.clear()
        timeout = self._pending[0].deadline - loop.time() if self._pending else None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), timeout)

    async def _answer(
        self, batch: list[_Waiting[Item, Result]], loop: asyncio.AbstractEventLoop
    ) -> None:
        """Run one batch call and give every caller its result or the error."""
        live = [waiting for waiting in batch if not waiting.future.done()]
        if not live:  # every caller gave up: do not score for nobody
            return
        self.calls += 1
        self.items += len(live)
        items = [waiting.item for waiting in live]
        try:
            results = await loop.run_in_executor(self._executor, self._predict, items)
        except Exception as error:  # every caller in the batch gets it
            _settle(live, error=error)
            return
        if len(results) != len(live):
            count = f"predict returned {len(results)} results for {len(live)} items"
            _settle(live, error=ValueError(count))
            return
        _settle(live, results=results)


# --8<-- [end:microbatcher]


# --8<-- [start:settle]
def _settle(
    batch: Sequence[_Waiting[Item, Result]],
    results: Sequence[Result] = (),
    error: BaseException | None = None,
) -> None:
    """Give each waiting caller its result, or the error; skip callers who left."""
    for index, waiting in enumerate(batch):
        if waiting.future.done():  # cancelled: the client went away
            continue
        if error is None:
            waiting.future.set_result(results[index])
        else:
            waiting.future.set_exception(error)


# --8<-- [end:settle]
