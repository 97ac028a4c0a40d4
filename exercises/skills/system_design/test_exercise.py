"""Checks for the exercise of docs/skills/system-design.md: the cancellation page."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pytest

from skills.capacity import plan

ROOT = Path(__file__).resolve().parents[3]
# What `make bench` measured last: the table the capstone's service page shows.
PERFORMANCE = ROOT / "docs" / "capstone" / "generated" / "performance.md"
HTTP_ROW = "| HTTP `POST /predict`"
BUDGET_MS = 40


def http_latency_ms() -> tuple[float, float]:
    """The p50 and p99 of one record over HTTP, from the benchmark's table."""
    for line in PERFORMANCE.read_text(encoding="utf-8").splitlines():
        if line.startswith(HTTP_ROW):
            cells = line.strip("|").split("|")
            return float(cells[2]), float(cells[4])
    raise LookupError(f"no row {HTTP_ROW!r} in {PERFORMANCE.name}")


def test_the_mode_is_online(exercise: ModuleType) -> None:
    """The prediction mode is online."""
    why = {
        "batch": "last night's score misses what the customer did today, and the "
        "offer is for the customer cancelling now",
        "streaming": "no input needs events from the last minutes: a stream "
        "processor would cost you for nothing",
    }
    mode = exercise.MODE
    assert mode == "online", (
        f"MODE is {mode!r}: "
        + why.get(mode, "want one of 'batch', 'online' or 'streaming'")
        + ("" if mode not in why else "; think again")
    )


def test_the_workload_has_the_traffic(exercise: ModuleType) -> None:
    """The workload carries the need's traffic: 300,000 a day, peaks at 8 times."""
    found = exercise.WORKLOAD
    assert (found.requests_per_day, found.peak_to_average) == (300_000, 8), (
        f"WORKLOAD has {found.requests_per_day:,} requests a day at peaks of "
        f"{found.peak_to_average} times the average: the page is visited 300,000 "
        "times a day, with peaks at 8 times the average"
    )


def test_the_service_time_is_measured(exercise: ModuleType) -> None:
    """The service time is the capstone's benchmark, for one record over HTTP."""
    p50, p99 = http_latency_ms()
    found = exercise.WORKLOAD.service_ms
    assert p50 <= found <= math.ceil(p99), (
        f"service_ms is {found}: want the latency of one record over HTTP, from the "
        f"HTTP row of {PERFORMANCE.relative_to(ROOT)}: from its p50 to its p99 "
        "rounded up to a whole millisecond"
    )


def test_one_process_within_the_budget(exercise: ModuleType) -> None:
    """A replica runs one process, and a request spends at most 40 ms inside."""
    found = exercise.WORKLOAD
    assert found.workers_per_replica == 1, (
        f"workers_per_replica is {found.workers_per_replica}: the question is "
        "whether one process per replica is enough, so want 1"
    )
    assert found.service_ms <= found.latency_ms <= BUDGET_MS, (
        f"latency_ms is {found.latency_ms}: the time inside the service is at "
        f"least the service time, {found.service_ms} ms, and at most the "
        f"{BUDGET_MS} ms the website team gives you"
    )


def test_you_judge_the_budget(exercise: ModuleType) -> None:
    """You say whether one process per replica meets the 40 ms budget at the peak."""
    answer = exercise.ONE_PROCESS_MEETS_BUDGET
    assert answer is not None, (
        "ONE_PROCESS_MEETS_BUDGET is None: set it to True or False, from "
        "plan(WORKLOAD)'s utilization at the peak and the service time"
    )
    sized = plan(exercise.WORKLOAD)
    assert answer is True, (
        f"you say one process is not enough, yet at the peak a replica is busy "
        f"{sized.peak_utilization:.0%} of the time: a request waits for little more "
        f"than its own {exercise.WORKLOAD.service_ms} ms, far inside {BUDGET_MS} ms"
    )


def test_your_test_passes(exercise: ModuleType) -> None:
    """Your test passes on your workload."""
    exercise.test_the_plan_is_pinned()  # its own assertion says what is wrong


def test_your_test_sees_a_slower_model(
    exercise: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Your test fails when the model takes 60 ms a request."""
    slower = replace(exercise.WORKLOAD, service_ms=60, latency_ms=60)
    monkeypatch.setattr(exercise, "WORKLOAD", slower)
    try:
        exercise.test_the_plan_is_pinned()
    except AssertionError:
        return
    pytest.fail(
        f"with service_ms=60, plan(WORKLOAD) needs {plan(slower).replicas} replicas "
        "and your test still passes: assert the replica count as a number, so that "
        "a change to the inputs fails it",
        pytrace=False,
    )
