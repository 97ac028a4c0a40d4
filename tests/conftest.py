"""Shared fixtures and the summary line that counts the examples run and skipped."""

from __future__ import annotations

import os

import pytest

# Tests never reach the network, whichever module imports MLflow first.
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print how many documentation code blocks ran and which were skipped, and why."""
    ran = skipped = 0
    reasons: list[str] = []
    for outcome in ("passed", "failed", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            if "test_docs.py::test_example[" not in getattr(report, "nodeid", ""):
                continue
            if report.when != "call":  # the test itself calls pytest.skip
                continue
            props = dict(report.user_properties)
            if outcome == "skipped":
                skipped += props.get("blocks", 1)
                where = report.nodeid.split("[", 1)[1].rstrip("]")
                reasons.append(f"{where}: {props.get('skip_reason', '?')}")
            else:
                ran += props.get("blocks", 1)
    if ran or skipped:
        terminalreporter.write_sep("-", "documentation code blocks")
        terminalreporter.write_line(f"{ran} code blocks ran, {skipped} skipped")
        for reason in reasons:
            terminalreporter.write_line(f"  skipped {reason}")
