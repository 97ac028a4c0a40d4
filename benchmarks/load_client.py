"""Load client: POST single records to a URL from several keep-alive connections.

Run it as its own process, so its Python work does not share a GIL with the server
it measures::

    python -m benchmarks.load_client --url URL --payloads FILE --concurrency 8

One event loop drives `--concurrency` keep-alive connections, each sending its
next request when the previous answer has been read (a closed loop, like a client
that waits for each answer). Requests are encoded once, up front, so the client
spends as little time per request as it can and measures the server, not itself.
A warm-up runs first and is not recorded; then every request is timed and every
non-200 answer (or transport error) is counted. The run is
bounded in requests and in seconds. One JSON object is printed to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

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
    """What the connections record (one event loop: no lock needed)."""

    def __init__(self) -> None:
        self.latencies_ms: list[float] = []
        self.statuses: Counter[str] = Counter()


class _Target:
    """Where to send, and each payload encoded once as a complete HTTP request."""

    def __init__(self, url: str, payloads: Sequence[dict[str, Any]]) -> None:
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"--url must be an http:// URL, got {url!r}")
        self.host = parts.hostname
        self.port = parts.port or 80
        path = parts.path or "/"
        head = f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        head += "Content-Type: application/json\r\n"
        self.requests = [
            (head + f"Content-Length: {len(body)}\r\n\r\n").encode() + body
            for body in (json.dumps(p).encode() for p in payloads)
        ]


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> str:
    """Send one request on an open connection; read the whole answer; the status."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    await reader.readexactly(length)
    return lines[0].split(" ", 2)[1]


class _Connection:
    """One keep-alive connection, reopened after a transport error."""

    def __init__(self, target: _Target, timeout_s: float) -> None:
        self.target = target
        self.timeout_s = timeout_s
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post(self, request: bytes) -> tuple[str, float]:
        """Send one request; return its status (or error name) and latency in ms."""
        start = time.perf_counter()
        try:
            async with asyncio.timeout(self.timeout_s):
                if self.streams is None:
                    self.streams = await self._open()
                status = await _exchange(*self.streams, request)
        except (OSError, asyncio.IncompleteReadError, TimeoutError) as error:
            # A refused or timed-out request is a result, not a crash.
            status = _error_name(error)
            self.close()
        return status, (time.perf_counter() - start) * 1000

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        try:
            return await asyncio.open_connection(self.target.host, self.target.port)
        except OSError as error:
            raise _ConnectError(str(error)) from error

    def close(self) -> None:
        """Drop the connection, if any; the next request opens a new one."""
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


class _ConnectError(OSError):
    """The connection could not be opened."""


def _error_name(error: BaseException) -> str:
    return "ConnectError" if isinstance(error, _ConnectError) else type(error).__name__


# --8<-- [start:worker]
async def _worker(
    args: argparse.Namespace,
    target: _Target,
    tickets: itertools.count[int],
    start: asyncio.Barrier,
    deadline: float,
    tally: _Tally,
) -> None:
    """Warm up, wait for every connection, then take tickets until none or time."""
    warmup_share = -(-args.warmup // args.concurrency)  # ceiling division
    connection = _Connection(target, args.timeout)
    try:
        for i in range(warmup_share):
            if time.monotonic() > deadline:
                break
            await connection.post(target.requests[i % len(target.requests)])
        await start.wait()
        for ticket in tickets:
            if ticket >= args.requests or time.monotonic() > deadline:
                return
            request = target.requests[ticket % len(target.requests)]
            status, latency_ms = await connection.post(request)
            tally.statuses[status] += 1
            if status == "200":
                tally.latencies_ms.append(latency_ms)
    finally:
        connection.close()


# --8<-- [end:worker]


async def _load(args: argparse.Namespace, tally: _Tally) -> float:
    """Run every connection; return the seconds from the start signal to the end."""
    target = _Target(args.url, args.payloads)
    tickets = itertools.count()
    start = asyncio.Barrier(args.concurrency + 1)
    deadline = time.monotonic() + args.max_seconds
    workers = [
        asyncio.create_task(_worker(args, target, tickets, start, deadline, tally))
        for _ in range(args.concurrency)
    ]
    await start.wait()  # every connection is open and warm; the clock starts now
    began = time.perf_counter()
    await asyncio.gather(*workers)
    return time.perf_counter() - began


def run_load(args: argparse.Namespace) -> dict[str, Any]:
    """Run the load and return what it measured.

    One event loop drives every connection: a thread per connection would spend
    the client's time switching threads and waiting for the GIL, and that wait
    would be counted as the server's latency.

    Args:
        args: Options from `parse_args`.

    Returns:
        Counts, statuses, duration, requests per second and, if any request
        succeeded, the latency summary of the 200 responses in milliseconds.
    """
    tally = _Tally()
    duration = asyncio.run(_load(args, tally))
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
