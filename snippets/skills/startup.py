"""Time from starting a service to its first ready answer.

Start-up time is how long a new replica takes to be useful: what a startup probe
must allow for, what an autoscaler waits through while traffic keeps rising, and
how long a rollout of ten pods takes one after another. Measure it the way the
orchestrator sees it: from starting the process to the first ``200`` from the
readiness endpoint, which for a model service includes loading the model.

The same function times a local process or a container (``docker run ...``), so
you can compare the two and see what the image adds. From a shell:
``python -m skills.startup URL -- COMMAND...``.
"""

from __future__ import annotations

import argparse

# --8<-- [start:imports]
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Sequence

# --8<-- [end:imports]

# --8<-- [start:startup]
STOP_GRACE_S = 10  # what Docker allows between its stop signal and a kill


def is_ready(url: str) -> bool:
    """Whether `url` answers 2xx now; refused connections and 503s are "not yet"."""
    try:
        with urllib.request.urlopen(url, timeout=1):  # raises on 4xx and 5xx
            return True
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def time_to_ready(
    command: Sequence[str], url: str, timeout_s: float = 120, interval_s: float = 0.05
) -> float:
    """Start `command`, poll `url` until it is ready, stop the process.

    Args:
        command: The program and its arguments, e.g. ``["python", "-m", "churn",
            "serve", ...]``.
        url: The readiness endpoint the command will serve.
        timeout_s: Give up after this many seconds (a startup probe's budget).
        interval_s: Seconds between polls; the result is this precise at best.

    Returns:
        Seconds from starting the process to its first ready answer.

    Raises:
        RuntimeError: If the process exits before it is ready.
        TimeoutError: If it is not ready within `timeout_s`.
    """
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        while not is_ready(url):
            if process.poll() is not None:
                raise RuntimeError(
                    f"{command[0]} exited with code {process.returncode} "
                    "before it was ready"
                )
            if time.perf_counter() - start > timeout_s:
                raise TimeoutError(f"not ready within {timeout_s} s: {url}")
            time.sleep(interval_s)
        return time.perf_counter() - start
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Ask the process to stop (docker run passes it on), then insist."""
    process.terminate()
    try:
        process.wait(timeout=STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --8<-- [end:startup]


def main(argv: Sequence[str] | None = None) -> int:
    """Time one start of a command and print the seconds to ready.

    Args:
        argv: ``URL [--timeout S] -- COMMAND...``; None reads ``sys.argv``.

    Returns:
        0 when the command became ready; 1 when it exited or timed out first.
    """
    parser = argparse.ArgumentParser(
        prog="python -m skills.startup", description="Time a command's start-up."
    )
    parser.add_argument("url", help="readiness URL, e.g. http://127.0.0.1:8001/ready")
    parser.add_argument("--timeout", type=float, default=120, help="seconds")
    parser.add_argument("command", nargs="+", help="the command to time, after --")
    args = parser.parse_args(argv)
    try:
        seconds = time_to_ready(args.command, args.url, args.timeout)
    except (RuntimeError, TimeoutError) as error:
        print(f"error: {error}")
        return 1
    print(f"ready after {seconds:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
