"""Run the benchmarks, print a Markdown report, and write it to reports/bench.md.

``python -m benchmarks`` runs all of them; ``--only site`` (or another name) one.
The service benchmark also writes docs/capstone/generated/performance.md, the
fragment the capstone's pages include; the batching benchmark writes
docs/skills/generated/batching.md; the batch-scale benchmark, which scores ten
million rows and takes minutes, writes docs/capstone/generated/batch-scale.md.
"""

from __future__ import annotations

import argparse
import os
import platform
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import site_build
from benchmarks.timing import markdown_table

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "reports" / "bench.md"
FRAGMENT = ROOT / "docs" / "capstone" / "generated" / "performance.md"
BATCHING_FRAGMENT = ROOT / "docs" / "skills" / "generated" / "batching.md"
SCALE_FRAGMENT = ROOT / "docs" / "capstone" / "generated" / "batch-scale.md"
BENCHMARKS = ("site", "service", "batching", "batch-scale")


def _site() -> str:
    table = markdown_table([site_build.run()])
    return f"## Site build\n\nMedians of interleaved runs.\n\n{table}"


def _service() -> str:
    # Imported here: `--only site` should not pay for pandas, scikit-learn and Dask.
    from benchmarks import service

    report = service.run()
    FRAGMENT.parent.mkdir(parents=True, exist_ok=True)
    FRAGMENT.write_text(service.fragment(report, service.machine()), encoding="utf-8")
    print(f"written to {FRAGMENT}")
    return f"## Service\n\n{service.markdown(report)}"


def _batching() -> str:
    from benchmarks import batching  # pandas and scikit-learn: only when chosen

    report = batching.run()
    BATCHING_FRAGMENT.parent.mkdir(parents=True, exist_ok=True)
    text = batching.fragment(report, batching.provenance())
    BATCHING_FRAGMENT.write_text(text, encoding="utf-8")
    print(f"written to {BATCHING_FRAGMENT}")
    return f"## Batching and caching\n\n{batching.markdown(report)}"


def _batch_scale() -> str:
    from benchmarks import batch_scale  # pandas, Dask and ten million rows

    report = batch_scale.run()
    text = batch_scale.fragment(report, batch_scale.provenance())
    SCALE_FRAGMENT.write_text(text, encoding="utf-8")
    print(f"written to {SCALE_FRAGMENT}")
    return f"## Batch scoring past a memory budget\n\n{batch_scale.markdown(report)}"


def main(argv: Sequence[str] | None = None) -> None:
    """Run the chosen benchmarks and write the report."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--only", choices=BENCHMARKS, help="run one benchmark")
    chosen = parser.parse_args(argv).only
    runs = {
        "site": _site,
        "service": _service,
        "batching": _batching,
        "batch-scale": _batch_scale,
    }
    sections = [runs[name]() for name in BENCHMARKS if chosen in (None, name)]
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    header = f"# Benchmarks\n\n{stamp}, Python {platform.python_version()}, "
    header += f"{platform.machine()}, {os.cpu_count()} cores.\n\n"
    report = header + "\n\n".join(sections) + "\n"
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(report)
    print(report)
    print(f"written to {REPORT}")


if __name__ == "__main__":
    main()
