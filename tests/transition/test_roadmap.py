"""The transition pages' shell commands, run in order as a reader runs them.

docs/transition/roadmap.md and portfolio.md show their commands in ``bash`` blocks,
which tests/test_docs.py skips because it runs Python. This test runs each of them in
a scratch folder laid out like a clone, in page order, and checks what the page says
will happen: exit codes announced by ``echo $?  # N``, and identical hashes from the
deterministic retrain. A block that starts a server in the background runs as one
script, on a free port, after the commands before it. Commands it does not run are
listed with where they are proven.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.churn.conftest import free_port, run_page_script
from tests.paths import DOCS, SNIPPETS

ROADMAP = DOCS / "transition" / "roadmap.md"
# Page: how many commands it runs at least, so a page cannot lose them unnoticed.
PAGES = {ROADMAP: 15, DOCS / "transition" / "portfolio.md": 3}
BLOCK = re.compile(r"^```bash[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
EXIT_CODE = re.compile(r"^echo \$\?\s+#\s*(\d+)\b")
# A block whose first line starts a server in the background runs as one script.
SERVER = re.compile(r"\A\S+ serve .*&\s*$", re.MULTILINE)
# Prefix of a command this test leaves alone: why, and where it is proven instead.
NOT_RUN = {
    "make ": "the whole suite or the benchmarks; this test is part of the suite",
    ".venv/bin/pytest ": "tests that the suite runs anyway",
    "docker ": "needs Docker; .github/workflows/ml-pipeline.yml builds the image",
}


@dataclass
class Command:
    """One line of a block, and the exit code the page promises for it."""

    line: str
    exit_code: int = 0


def page_commands(text: str) -> list[Command]:
    """Every command of every ``bash`` block, in page order.

    An ``echo $?  # N`` line is not a command: it sets the exit code of the one before.
    """
    commands: list[Command] = []
    for block in BLOCK.findall(text):
        if SERVER.match(block):
            continue  # run whole, by `run_page_script`
        for line in filter(None, map(str.strip, block.splitlines())):
            promised = EXIT_CODE.match(line)
            if promised:
                commands[-1].exit_code = int(promised[1])
            else:
                commands.append(Command(line))
    return commands


def not_run_reason(command: Command) -> str | None:
    """Why a command is left alone, or None when this test runs it."""
    return next(
        (why for prefix, why in NOT_RUN.items() if command.line.startswith(prefix)),
        None,
    )


def server_blocks(text: str) -> list[str]:
    """The blocks that start a server and stop it with their last line: run whole."""
    return [block for block in BLOCK.findall(text) if SERVER.match(block)]


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A folder where ``snippets/`` and ``.venv/bin/python`` resolve as in a clone."""
    (tmp_path / "snippets").symlink_to(SNIPPETS)
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))
    return tmp_path


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_page_commands_work_as_the_page_says(clone: Path, page: Path) -> None:
    commands = page_commands(page.read_text(encoding="utf-8"))
    run = [command for command in commands if not_run_reason(command) is None]
    assert len(run) >= PAGES[page], f"{page.name} lost its commands: update this test"
    env = {**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true"}
    for command in run:
        done = subprocess.run(
            ["bash", "-c", command.line],
            cwd=clone,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == command.exit_code, (
            f"{command.line}\nexit {done.returncode}, the page promises "
            f"{command.exit_code}\n{done.stdout}\n{done.stderr}"
        )
        if command.line.startswith("sha256sum "):  # week 2: retrained, same bytes
            lines = done.stdout.splitlines()
            assert len(lines) == 2, done.stdout  # run-a and run-b
            assert len({line.split()[0] for line in lines}) == 1, done.stdout
    if page == ROADMAP:  # week 6: the service, on the registry of week 4
        (block,) = server_blocks(page.read_text(encoding="utf-8"))
        port = str(free_port())  # the page's 8000 may be taken on a shared machine
        out = run_page_script(block.replace("8000", port), clone).splitlines()
        ready, metadata = (json.loads(line) for line in out if line.startswith("{"))
        assert ready["status"] == "ready"
        assert metadata["version"] == ready["model_version"]
        assert metadata["alias"] == "champion"


def test_the_roadmap_runs_one_server_block_whole() -> None:
    (block,) = server_blocks(ROADMAP.read_text(encoding="utf-8"))
    assert block.splitlines()[-1].startswith("kill %1")
    commands = page_commands(ROADMAP.read_text(encoding="utf-8"))
    assert not any("churn serve" in command.line for command in commands)


def test_commands_left_alone_are_the_expected_ones() -> None:
    commands = page_commands(ROADMAP.read_text(encoding="utf-8"))
    left = sorted({not_run_reason(c) for c in commands} - {None})
    assert left == sorted(NOT_RUN.values())


def test_echo_exit_code_belongs_to_the_command_before() -> None:
    text = "```bash\na --x\necho $?  # 3: refused\nb\n```\n```bash\nc\n```\n"
    assert page_commands(text) == [Command("a --x", 3), Command("b"), Command("c")]
