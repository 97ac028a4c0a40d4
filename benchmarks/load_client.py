"""Load client: POST single records to a URL from several keep-alive connections.

Run it as its own process, so its Python work does not share a GIL with the server
it measures::

    python -m benchmarks.load_client --url URL --payloads FILE --concurrency 8

Each of the worker threads holds one `httpx.Client`, so one connection is reused
for all its requests. A warm-up runs first and is not recorded; then every request
is timed and every non-200 answer (or transport error) is counted. The run is
bounded in requests and in seconds. One JSON object is printed to stdout.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from benchmarks.latency import summarize


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be above 0, got {value}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.load_client", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--url", required=True, help="URL to POST each record to")
    parser.add_argument(
        "--payloads", type=Path, required=True, help="JSON file: a list of objects"
    )
    parser.add_argument("--requests", type=_positive_int, default=4_000)
    parser.add_argument("--warmup", type=_non_negative_int, default=200)
    parser.add_argument("--concurrency", type=_positive_int, default=8)
    parser.add_argument(
        "--timeout", type=_positive_float, default=10.0, help="per request, seconds"
    )
    parser.add_argument(
        "--max-seconds", type=_positive_float, default=300.0, help="whole run bound"
    )
    return parser


def _read_payloads(path: Path) -> list[dict[str, Any]]:
    """Read the records to send; ValueError says what is wrong with the file."""
    try:
        payloads = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ValueError(f"cannot read {path}: {error}") from None
    if not isinstance(payloads, list) or not payloads:
        raise ValueError(f"{path} must hold a non-empty JSON list of objects")
    if not all(isinstance(p, dict) for p in payloads):
        raise ValueError(f"{path}: every item of the list must be a JSON object")
    return payloads


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line and read the payload file.

    Args:
        argv: The arguments after the program name; None reads ``sys.argv``.

    Returns:
        The options, with ``payloads`` replaced by the list of records.

    Raises:
        SystemExit: With status 2 and a message naming the bad option.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        args.payloads = _read_payloads(args.payloads)
    except ValueError as error:
        parser.error(f"--payloads: {error}")
    return args


class _Tally:
    """What the workers record, behind one lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies_ms: list[float] = []
        self.statuses: Counter[str] = Counter()


def _post(client: httpx.Client, url: str, payload: dict[str, Any]) -> tuple[str, float]:
    """Send one request; return its status (or error name) and latency in ms."""
    start = time.perf_counter()
    try:
        status = str(client.post(url, json=payload).status_code)
    except httpx.HTTPError as error:  # a refused or timed-out request is a result
        status = type(error).__name__
    return status, (time.perf_counter() - start) * 1000


# --8<-- [start:worker]
def _worker(
    args: argparse.Namespace,
    tickets: itertools.count[int],
    start: threading.Barrier,
    deadline: float,
    tally: _Tally,
) -> None:
    """Warm up, wait for every worker, then take tickets until none or time is left."""
    warmup_share = -(-args.warmup // args.concurrency)  # ceiling division
    try:
        with httpx.Client(timeout=args.timeout) as client:
            for i in range(warmup_share):
                if time.monotonic() > deadline:
                    break
                _post(client, args.url, args.payloads[i % len(args.payloads)])
            start.wait()
            _timed_requests(client, args, tickets, deadline, tally)
    except BaseException:
        start.abort()  # the others, and the main thread, fail now instead of hanging
        raise


def _timed_requests(
    client: httpx.Client,
    args: argparse.Namespace,
    tickets: itertools.count[int],
    deadline: float,
    tally: _Tally,
) -> None:
    """Send a request per ticket until every ticket is taken or time is up."""
    # next() on itertools.count is atomic in CPython: no ticket is taken twice.
    for ticket in tickets:
        if ticket >= args.requests or time.monotonic() > deadline:
            return
        payload = args.payloads[ticket % len(args.payloads)]
        status, latency_ms = _post(client, args.url, payload)
        with tally.lock:
            tally.statuses[status] += 1
            if status == "200":
                tally.latencies_ms.append(latency_ms)


# --8<-- [end:worker]


def run_load(args: argparse.Namespace) -> dict[str, Any]:
    """Run the load and return what it measured.

    Args:
        args: Options from `parse_args`.

    Returns:
        Counts, statuses, duration, requests per second and, if any request
        succeeded, the latency summary of the 200 responses in milliseconds.
    """
    tally = _Tally()
    tickets = itertools.count()
    start = threading.Barrier(args.concurrency + 1)
    deadline = time.monotonic() + args.max_seconds
    workers = [
        threading.Thread(target=_worker, args=(args, tickets, start, deadline, tally))
        for _ in range(args.concurrency)
    ]
    for worker in workers:
        worker.start()
    start.wait()  # every connection is open and warm; the clock starts now
    began = time.perf_counter()
    for worker in workers:
        worker.join()
    duration = time.perf_counter() - began
    completed = sum(tally.statuses.values())
    ok = tally.statuses["200"]
    return {
        "url": args.url,
        "concurrency": args.concurrency,
        "requested": args.requests,
        "completed": completed,
        "errors": completed - ok,
        "statuses": dict(sorted(tally.statuses.items())),
        "timed_out": completed < args.requests,
        "duration_s": duration,
        "requests_per_s": completed / duration if duration > 0 else 0.0,
        "latency_ms": summarize(tally.latencies_ms).to_dict() if ok else None,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, run the load, print the result as JSON; return 0."""
    print(json.dumps(run_load(parse_args(argv))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
