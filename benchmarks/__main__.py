"""Run every benchmark, print a Markdown table, and write it to reports/bench.md."""

from __future__ import annotations

import platform
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import site_build
from benchmarks.timing import markdown_table

REPORT = Path(__file__).resolve().parent.parent / "reports" / "bench.md"


def main() -> None:
    """Run the benchmarks and write the report."""
    results = [site_build.run()]
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    header = f"# Benchmarks\n\n{stamp}, Python {platform.python_version()}, "
    header += f"{platform.machine()}, medians of interleaved runs.\n\n"
    report = header + markdown_table(results) + "\n"
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(report)
    print(report)
    print(f"written to {REPORT}")


if __name__ == "__main__":
    main()
