import asyncio
import math
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from skills.microbatch import BatcherClosedError, MicroBatcher

# Long enough that a test never waits on it by accident; each test bounds itself.
PATIENCE_S = 10


class Recorder:
    """A batch predict that doubles its inputs and remembers every batch."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.threads: set[int] = set()

    def __call__(self, items: list[int]) -> list[int]:
        """Score a batch: each item doubled."""
        self.batches.append(list(items))
        self.threads.add(threading.get_ident())
        return [item * 2 for item in items]


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, PATIENCE_S))


def test_module_example_twenty_requests_in_three_calls():
    def predict(rows):  # one call for the whole batch
        return [row * 10 for row in rows]

    async def main():
        async with MicroBatcher(predict, max_batch=8, max_wait_s=0.01) as batcher:
            answers = await asyncio.gather(*(batcher.submit(i) for i in range(20)))
        return answers, batcher.calls

    answers, calls = run(main())
    assert answers[:5] == [0, 10, 20, 30, 40]
    assert (len(answers), calls) == (20, 3)


def test_concurrent_requests_share_calls_of_at_most_max_batch():
    predict = Recorder()

    async def main():
        async with MicroBatcher(predict, max_batch=8, max_wait_s=0.01) as batcher:
            answers = await asyncio.gather(*(batcher.submit(i) for i in range(20)))
        return answers, batcher

    answers, batcher = run(main())
    assert answers == [i * 2 for i in range(20)]  # each caller gets its own answer
    assert predict.batches == [list(range(8)), list(range(8, 16)), list(range(16, 20))]
    assert (batcher.calls, batcher.items) == (3, 20)


def test_a_lone_request_is_answered_when_its_wait_is_over():
    predict = Recorder()

    async def main():
        batcher = MicroBatcher(predict, max_batch=100, max_wait_s=0.01)
        answer = await batcher.submit(21)  # no close: the deadline starts the batch
        await batcher.close()
        return answer

    assert run(main()) == 42
    assert predict.batches == [[21]]


def test_requests_that_arrive_after_the_wait_go_in_the_next_batch():
    predict = Recorder()

    async def main():
        async with MicroBatcher(predict, max_batch=100, max_wait_s=0.01) as batcher:
            first = asyncio.gather(batcher.submit(1), batcher.submit(2))
            await asyncio.sleep(0.2)  # the first batch's deadline passes meanwhile
            await asyncio.gather(first, batcher.submit(3))

    run(main())
    assert predict.batches == [[1, 2], [3]]


def test_max_wait_zero_batches_what_queued_up_without_waiting():
    predict = Recorder()

    async def main():
        async with MicroBatcher(predict, max_batch=64, max_wait_s=0) as batcher:
            await asyncio.gather(*(batcher.submit(i) for i in range(20)))

    run(main())
    assert predict.batches == [list(range(20))]


def test_predict_runs_in_the_given_executor_not_on_the_event_loop():
    predict = Recorder()

    async def main():
        async with MicroBatcher(predict, executor=executor) as batcher:
            await batcher.submit(1)

    with ThreadPoolExecutor(max_workers=1) as executor:
        model_thread = executor.submit(threading.get_ident).result()
        run(main())
    assert predict.threads == {model_thread}
    assert threading.get_ident() not in predict.threads


def test_an_error_reaches_every_caller_of_the_batch():
    def fail(items):
        raise RuntimeError(f"model failed on {len(items)} items")

    async def main():
        async with MicroBatcher(fail, max_batch=3, max_wait_s=0.01) as batcher:
            calls = [batcher.submit(i) for i in range(3)]
            return await asyncio.gather(*calls, return_exceptions=True)

    errors = run(main())
    assert [str(error) for error in errors] == ["model failed on 3 items"] * 3


def test_a_wrong_number_of_results_fails_the_batch_instead_of_misanswering():
    async def main():
        async with MicroBatcher(lambda items: [0], max_batch=2) as batcher:
            calls = [batcher.submit(1), batcher.submit(2)]
            return await asyncio.gather(*calls, return_exceptions=True)

    errors = run(main())
    assert all(isinstance(error, ValueError) for error in errors)
    assert str(errors[0]) == "predict returned 1 results for 2 items"


def test_a_caller_who_left_is_not_scored():
    predict = Recorder()

    async def main():
        async with MicroBatcher(predict, max_batch=10, max_wait_s=0.05) as batcher:
            gone = asyncio.ensure_future(batcher.submit(1))
            kept = asyncio.ensure_future(batcher.submit(2))
            await asyncio.sleep(0)  # both are queued now
            gone.cancel()
            return await kept, batcher

    answer, batcher = run(main())
    assert answer == 4
    assert predict.batches == [[2]]
    assert batcher.items == 1


def test_a_batch_whose_callers_all_left_makes_no_call():
    predict = Recorder()

    async def main():
        async with MicroBatcher(predict, max_wait_s=0.01) as batcher:
            gone = asyncio.ensure_future(batcher.submit(1))
            await asyncio.sleep(0)
            gone.cancel()
            await asyncio.sleep(0.05)  # past the deadline: the batch was due
            return batcher.calls

    assert run(main()) == 0
    assert predict.batches == []


def test_a_caller_who_leaves_during_the_call_is_skipped_the_others_answered():
    release = threading.Event()

    def slow(items):
        release.wait(PATIENCE_S)
        return [item * 2 for item in items]

    async def main():
        async with MicroBatcher(slow, max_batch=2) as batcher:
            gone = asyncio.ensure_future(batcher.submit(1))
            kept = asyncio.ensure_future(batcher.submit(2))
            while batcher.calls == 0:  # until the batch is running
                await asyncio.sleep(0.001)
            gone.cancel()
            release.set()
            return await kept, gone.cancelled()

    assert run(main()) == (4, True)


def test_close_answers_every_queued_request_then_refuses_new_ones():
    predict = Recorder()

    async def main():
        batcher = MicroBatcher(predict, max_batch=100, max_wait_s=PATIENCE_S)
        queued = [asyncio.ensure_future(batcher.submit(i)) for i in range(5)]
        await asyncio.sleep(0)  # queued, and waiting for a deadline far away
        await batcher.close()  # does not wait for the deadline
        assert all(call.done() for call in queued)
        with pytest.raises(BatcherClosedError, match="takes no new requests"):
            await batcher.submit(6)
        return [call.result() for call in queued]

    assert run(main()) == [0, 2, 4, 6, 8]
    assert predict.batches == [[0, 1, 2, 3, 4]]


def test_closing_a_batcher_that_never_started_is_fine():
    async def main():
        batcher = MicroBatcher(Recorder())
        await batcher.close()
        with pytest.raises(BatcherClosedError):
            await batcher.submit(1)

    run(main())


def test_if_the_worker_is_cancelled_no_caller_waits_forever():
    release = threading.Event()

    def blocked(items):
        release.wait(PATIENCE_S)
        return items

    async def main():
        batcher = MicroBatcher(blocked, max_batch=1, max_wait_s=0)
        in_flight = asyncio.ensure_future(batcher.submit(1))
        queued = asyncio.ensure_future(batcher.submit(2))
        while batcher.calls == 0:  # until the first batch is running
            await asyncio.sleep(0.001)
        batcher._worker.cancel()
        results = await asyncio.gather(in_flight, queued, return_exceptions=True)
        release.set()
        return results

    results = run(main())
    assert [type(result) for result in results] == [BatcherClosedError] * 2
    assert str(results[0]) == "the batcher stopped before answering"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_batch": 0}, "max_batch must be at least 1, got 0"),
        ({"max_batch": 2.5}, "max_batch must be a whole number, got 2.5"),
        ({"max_batch": True}, "max_batch must be a whole number, got True"),
        ({"max_wait_s": -1}, "max_wait_s must be finite and >= 0, got -1"),
        ({"max_wait_s": math.inf}, "max_wait_s must be finite and >= 0, got inf"),
        ({"max_wait_s": "5ms"}, "max_wait_s must be a number, got '5ms'"),
    ],
)
def test_bad_settings_name_the_parameter_and_the_value(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MicroBatcher(Recorder(), **kwargs)
