"""Checks for the exercise of docs/skills/containerization.md: the batch job's image.

The Dockerfile is read as text, with the parser of tests/test_dockerfile.py, and
linted with the hadolint and configuration that test uses; no Docker is needed.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.paths import ROOT
from tests.test_dockerfile import (
    HADOLINT_CONFIG,
    Instruction,
    copy_sources,
    hadolint,
    ignore_patterns,
    in_context,
    instructions,
    of,
)

BASE = "python:3.11-slim-bookworm"


@pytest.fixture(scope="module")
def parsed(exercise_file: Path) -> list[Instruction]:
    """The instructions of the file under check, continued lines joined."""
    return instructions(exercise_file.read_text(encoding="utf-8"))


def stages(parsed: list[Instruction]) -> list[list[Instruction]]:
    """The file's stages, each from its FROM on; an ARG before the first is skipped."""
    grouped: list[list[Instruction]] = []
    for instruction in parsed:
        if instruction.keyword == "FROM":
            grouped.append([])
        if grouped:
            grouped[-1].append(instruction)
    return grouped


def final_stage(parsed: list[Instruction]) -> list[Instruction]:
    """The runtime stage: the last one, after the builder."""
    found = stages(parsed)
    assert len(found) >= 2, (
        f"the file has {len(found)} stage(s), no runtime stage: want a second FROM "
        "after the builder"
    )
    return found[-1]


def syncs(parsed: list[Instruction]) -> list[list[str]]:
    """The words of each RUN line that calls ``uv sync``."""
    return [args.split() for args in of(parsed, "RUN") if "uv sync" in args]


def installs_batch(words: list[str]) -> bool:
    """Whether a ``uv sync`` line asks for the batch extra."""
    pairs = zip(words, [*words[1:], ""], strict=True)
    return "--extra=batch" in words or ("--extra", "batch") in pairs


def test_both_stages_start_from_the_service_base(parsed: list[Instruction]) -> None:
    """Two stages, both FROM python:3.11-slim-bookworm, the service's base."""
    froms = [args.split()[0] for args in of(parsed, "FROM")]
    assert len(froms) >= 2, (
        f"found {len(froms)} FROM line(s): want two stages, a builder and a runtime"
    )
    others = sorted(set(froms) - {BASE})
    assert not others, (
        f"a stage starts from {', '.join(others)}: the venv points at the builder's "
        f"Python by path, so every stage must be FROM {BASE}"
    )


def test_the_batch_extra_comes_from_the_lock(parsed: list[Instruction]) -> None:
    """Both uv sync lines install the batch extra, from the lock, without dev groups."""
    found = syncs(parsed)
    assert len(found) == 2, (
        f"found {len(found)} `uv sync` lines: want two, the dependencies and then "
        "the package"
    )
    for words in found:
        line = " ".join(words)
        assert installs_batch(words), (
            f"`{line}` leaves out Dask: add `--extra batch`, the optional "
            "dependencies `churn score` needs"
        )
        for flag in ("--locked", "--no-default-groups"):
            assert flag in words, (
                f"`{line}` has no {flag}: the image must install only what the lock "
                "pins, without test, docs or notebook tools"
            )


def test_dependencies_come_before_the_code(parsed: list[Instruction]) -> None:
    """The dependencies are installed before the code is copied, then the package."""
    found = syncs(parsed)
    assert len(found) == 2, f"found {len(found)} `uv sync` lines: want two"
    deps, package = found
    assert "--no-install-project" in deps, (
        "the first `uv sync` installs the project too: with --no-install-project, "
        "a code edit does not rebuild the slow dependencies layer"
    )
    assert "--no-editable" in package, (
        "the second `uv sync` has no --no-editable: without it the venv points at a "
        "source tree the runtime stage does not have"
    )
    sources = copy_sources(parsed)
    assert "uv.lock" in sources, "no COPY of uv.lock: the lock pins every version"
    assert "snippets/churn" in sources, "no COPY of snippets/churn: the package"
    assert sources.index("uv.lock") < sources.index("snippets/churn"), (
        "the code is copied before the lock: copy pyproject.toml and uv.lock first, "
        "so editing code reuses the dependencies layer"
    )


def test_every_copy_is_in_the_build_context(parsed: list[Instruction]) -> None:
    """Every file COPY reads is let into the build context by .dockerignore."""
    patterns = ignore_patterns()
    for source in copy_sources(parsed):
        path = ROOT / source
        assert path.exists(), f"COPY {source}: there is no such path in the repository"
        files = [path] if path.is_file() else sorted(path.rglob("*.py"))
        left_out = [
            file.relative_to(ROOT).as_posix()
            for file in files
            if "__pycache__" not in file.parts
            and not in_context(file.relative_to(ROOT).as_posix(), patterns)
        ]
        assert not left_out, (
            f"COPY {source}: .dockerignore keeps {left_out[0]} out of the build "
            "context, so the build would fail; copy only what the allow-list lets in"
        )


def test_the_runtime_stage_runs_as_user_10001(parsed: list[Instruction]) -> None:
    """The runtime stage runs as the numeric, non-root user 10001."""
    users = of(final_stage(parsed), "USER")
    assert users, "the runtime stage sets no USER, so the job runs as root"
    assert users[-1] == "10001", (
        f"the runtime stage runs as USER {users[-1]}: want 10001, numeric, so "
        "Kubernetes' runAsNonRoot can check it"
    )


def exec_form(args: str, keyword: str) -> list[str]:
    """The words of an ENTRYPOINT or CMD, which must be in exec (JSON) form."""
    try:
        words = json.loads(args)
    except json.JSONDecodeError:
        words = None
    assert isinstance(words, list), (
        f"{keyword} {args} is in shell form: write it as a JSON list, so Python is "
        "process 1 and receives the stop signal"
    )
    return words


def test_the_runtime_stage_runs_churn_score(parsed: list[Instruction]) -> None:
    """The runtime stage runs churn score on the registry at /models, in exec form."""
    final = final_stage(parsed)
    entrypoints, cmds = of(final, "ENTRYPOINT"), of(final, "CMD")
    assert entrypoints, 'the runtime stage has no ENTRYPOINT: want ["churn"]'
    assert exec_form(entrypoints[-1], "ENTRYPOINT") == ["churn"], (
        f'the ENTRYPOINT is {entrypoints[-1]}: want ["churn"], the package\'s CLI'
    )
    assert cmds, 'the runtime stage has no CMD: want one that starts with "score"'
    cmd = exec_form(cmds[-1], "CMD")
    assert cmd[:1] == ["score"], f"the CMD is {cmds[-1]}: want it to run `score`"
    pairs = list(zip(cmd, [*cmd[1:], ""], strict=True))
    assert ("--registry", "/models") in pairs, (
        f"the CMD is {cmds[-1]}: want `--registry /models`, where the registry is "
        "mounted, as in the service image"
    )


def test_the_runtime_stage_answers_no_http(parsed: list[Instruction]) -> None:
    """The runtime stage has no HEALTHCHECK and no EXPOSE: a batch job has no port."""
    final = final_stage(parsed)
    for keyword in ("HEALTHCHECK", "EXPOSE"):
        assert not of(final, keyword), (
            f"the runtime stage has a {keyword}: `churn score` opens no port, so a "
            "health check on /health would mark every run unhealthy"
        )


def test_hadolint_passes(exercise_file: Path, tmp_path: Path) -> None:
    """The linter hadolint passes with the configuration of tests/test_dockerfile.py."""
    config = tmp_path / "hadolint.yaml"
    config.write_text(yaml.safe_dump(HADOLINT_CONFIG), encoding="utf-8")
    done = subprocess.run(
        [hadolint(), "--no-color", "--config", str(config), exercise_file.name],
        capture_output=True,
        text=True,
        check=False,
        cwd=exercise_file.parent,
    )
    # hadolint lists the findings of one line in no fixed order: sort them.
    findings = sorted((done.stdout + done.stderr).splitlines())
    assert done.returncode == 0, "hadolint finds:\n" + "\n".join(findings)
