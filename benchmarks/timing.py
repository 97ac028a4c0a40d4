"""Time a command several times and compare it with a baseline measured alongside it."""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Result:
    """Wall times of one benchmark and of its baseline, in seconds."""

    name: str
    times: tuple[float, ...]
    baseline: str
    baseline_times: tuple[float, ...]

    @property
    def median(self) -> float:
        """Median wall time of the benchmark."""
        return statistics.median(self.times)

    @property
    def baseline_median(self) -> float:
        """Median wall time of the baseline."""
        return statistics.median(self.baseline_times)

    @property
    def ratio(self) -> float:
        """How many times slower than the baseline; the number to watch between runs."""
        return self.median / self.baseline_median


def wall_time(command: Sequence[str], cwd: Path, env: dict[str, str]) -> float:
    """Run a command once, fail loudly if it fails, and return its wall time."""
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def interleaved(
    command: Sequence[str],
    baseline: Sequence[str],
    *,
    repeats: int,
    cwd: Path,
    env: dict[str, str],
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Time a command and its baseline in turn, so machine load hits both alike."""
    times, baseline_times = [], []
    for _ in range(repeats):
        times.append(wall_time(command, cwd, env))
        baseline_times.append(wall_time(baseline, cwd, env))
    return tuple(times), tuple(baseline_times)


def markdown_table(results: Sequence[Result]) -> str:
    """Render results as a Markdown table, medians in seconds."""
    lines = [
        "| benchmark | median (s) | baseline | baseline median (s) | ratio |",
        "|---|---:|---|---:|---:|",
    ]
    lines += [
        f"| {r.name} | {r.median:.2f} | {r.baseline} | {r.baseline_median:.2f} "
        f"| {r.ratio:.2f} |"
        for r in results
    ]
    return "\n".join(lines)
