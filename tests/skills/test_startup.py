from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from skills import startup
from skills.startup import main, time_to_ready
from tests.paths import DOCS, SNIPPETS
from tests.test_shell_blocks import block_run_by

# A stand-in service: answers 503 to its first `not_ready` requests, then 200.
SERVER = """
import http.server, signal, sys

port, not_ready, ignore_term = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1"
if ignore_term:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
calls = 0


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        global calls
        calls += 1
        self.send_response(503 if calls <= not_ready else 200)
        self.end_headers()

    def log_message(self, *args):
        pass


http.server.HTTPServer(("127.0.0.1", port), Handler).serve_forever()
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server(port: int, not_ready: int = 0, ignore_term: bool = False) -> list[str]:
    return [sys.executable, "-c", SERVER, str(port), str(not_ready), str(+ignore_term)]


def is_listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_waits_through_not_ready_answers_then_stops_the_process() -> None:
    port = free_port()
    seconds = time_to_ready(server(port, not_ready=3), f"http://127.0.0.1:{port}/")
    assert 0 < seconds < 120
    assert not is_listening(port)


def test_a_process_that_exits_first_is_an_error() -> None:
    command = [sys.executable, "-c", "raise SystemExit(3)"]
    with pytest.raises(RuntimeError, match="exited with code 3 before it was ready"):
        time_to_ready(command, f"http://127.0.0.1:{free_port()}/")


def test_a_process_never_ready_times_out_and_is_stopped() -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/ready"
    with pytest.raises(TimeoutError, match=f"not ready within 0.5 s: {url}"):
        time_to_ready(server(port, not_ready=10**9), url, timeout_s=0.5)
    assert not is_listening(port)


def test_a_process_that_ignores_the_stop_signal_is_killed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(startup, "STOP_GRACE_S", 0.2)
    port = free_port()
    time_to_ready(server(port, ignore_term=True), f"http://127.0.0.1:{port}/")
    assert not is_listening(port)


def test_the_command_line_prints_seconds_or_the_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/ready"
    assert main([url, "--", *server(port)]) == 0
    assert capsys.readouterr().out.startswith("ready after ")
    failing = [sys.executable, "-c", "raise SystemExit(2)"]
    assert main([url, "--timeout", "5", "--", *failing]) == 1
    assert "exited with code 2" in capsys.readouterr().out


CONTAINERIZATION = DOCS / "skills" / "containerization.md"


def page_block() -> list[str]:
    """The commands of the containerization page's block this test runs."""
    body = block_run_by(CONTAINERIZATION, "tests/skills/test_startup.py")
    joined = body.replace("\\\n", " ")
    return [line for line in joined.splitlines() if line and not line.startswith("#")]


def test_the_page_measures_the_real_service_as_it_says(tmp_path: Path) -> None:
    """Train, promote, then time the real service's start-up, from a clone's root."""
    (tmp_path / "snippets").symlink_to(SNIPPETS)
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))
    commands = page_block()
    assert len(commands) == 4
    port = str(free_port())  # the page's 8001 may be taken on a shared machine
    env = {**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true"}
    for command in commands:
        done = subprocess.run(
            ["bash", "-c", command.replace("8001", port)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, f"{command}\n{done.stdout}{done.stderr}"
    assert re.fullmatch(r"ready after \d+\.\d\d s\n", done.stdout)
