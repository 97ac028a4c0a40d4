"""Checks for the exercise of docs/capstone/ship.md: the gate's report in the summary.

The reader's two steps go into the train job of the real ml-pipeline.yml, which is
validated as tests/test_workflows.py validates it. Then the steps run as GitHub
runs them, each script in the shell it names, with a stand-in for ``python -m churn``
that prints a real gate decision and exits as ``churn train`` does.
"""

from __future__ import annotations

import copy
import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from churn.cli import GATE_REFUSED, _parser
from churn.config import GateConfig
from churn.evaluate import Evaluation, gate
from tests.paths import WORKFLOWS

Step = dict[str, Any]
CHECK_JSONSCHEMA = [sys.executable, "-m", "check_jsonschema", "--builtin-schema"]
# How GitHub runs a `run:` script on Linux, by the step's `shell`.
SHELLS = {
    None: ["bash", "-e"],
    "bash": ["bash", "--noprofile", "--norc", "-eo", "pipefail"],
    "sh": ["sh", "-e"],
}
# Stands in for `python -m churn ...` and `churn ...`: only `train` does anything.
STAND_IN = """#!/bin/sh
for word in "$@"; do
  if [ "$word" = train ]; then cat "$GATE_OUTPUT"; exit "$GATE_EXIT"; fi
done
exit 0
"""


def gate_output(candidate: Evaluation) -> tuple[str, int]:
    """What ``churn train`` prints for a candidate with no champion, and its code."""
    decision = gate(candidate, None, GateConfig())
    lines = [f"run 1a2b3c: AUC {candidate.auc:.4f}"]
    lines += [f"  {name}: AUC {auc:.4f}" for name, auc in candidate.slice_auc.items()]
    if decision.promote:
        return "\n".join([*lines, "gate passed: registered version 1 as challenger"]), 0
    lines += ["gate refused the candidate:", *(f"  {r}" for r in decision.reasons)]
    return "\n".join(lines), GATE_REFUSED


SLICES = {"contract=month-to-month": 0.71, "contract=two-year": 0.55}
REFUSED = gate_output(Evaluation(auc=0.68, rows=4_000, slice_auc=SLICES))
PASSED = gate_output(Evaluation(auc=0.84, rows=4_000, slice_auc={"contract=x": 0.8}))
REASONS = [
    line.strip()
    for line in REFUSED[0].split("refused the candidate:")[1].split("\n")
    if line.strip()
]


@pytest.fixture(scope="module")
def steps(exercise_file: Path) -> dict[str, Step]:
    """The reader's two steps, ``train`` and ``summary``."""
    try:
        found = yaml.safe_load(exercise_file.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or error
        pytest.fail(f"{exercise_file.name}{where} is not valid YAML: {problem}", False)
    for key in ("train", "summary"):
        if not isinstance((found or {}).get(key), dict):
            pytest.fail(f"{exercise_file.name} has no step `{key}:`", pytrace=False)
    return found


def is_train(step: Step) -> bool:
    """Whether a step of the real train job is the one that runs ``churn train``."""
    return "churn train" in str(step.get("run", ""))


@pytest.fixture(scope="module")
def pipeline(steps: dict[str, Step]) -> dict[str, Any]:
    """ml-pipeline.yml with the reader's steps in its train job."""
    workflow = yaml.safe_load((WORKFLOWS / "ml-pipeline.yml").read_text("utf-8"))
    job = workflow["jobs"]["train"]
    job["steps"] = [
        copy.deepcopy(steps["train"]) if is_train(step) else step
        for step in job["steps"]
    ] + [copy.deepcopy(steps["summary"])]
    return workflow


def run_step(step: Step, folder: Path, name: str) -> subprocess.CompletedProcess[str]:
    """Run a step's script in ``folder`` as GitHub would, its summary file ``name``."""
    shell = SHELLS.get(step.get("shell"))
    assert shell, (
        f"the step runs in `shell: {step.get('shell')}`: the checks run bash or sh "
        "steps, as this workflow's other steps are"
    )
    script = folder / f"{name}.sh"
    script.write_text(str(step.get("run", "")), encoding="utf-8")
    bin_dir = folder / "bin"
    env = {
        "PATH": os.pathsep.join([str(bin_dir), "/usr/bin", "/bin"]),
        "HOME": str(folder),
        "GATE_OUTPUT": str(folder / "gate-output.txt"),
        "GITHUB_STEP_SUMMARY": str(folder / f"{name}-summary.md"),
    }
    return subprocess.run(
        [*shell, str(script)],
        cwd=folder,
        env={**env, "GATE_EXIT": (folder / "gate-exit.txt").read_text()},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def workspace(folder: Path, outcome: tuple[str, int]) -> Path:
    """A job's working folder where ``python -m churn train`` prints ``outcome``."""
    for where in (folder / ".venv" / "bin", folder / "bin"):
        where.mkdir(parents=True, exist_ok=True)
        for name in ("python", "python3", "churn"):
            (where / name).write_text(STAND_IN, encoding="utf-8")
            (where / name).chmod(stat.S_IRWXU)
    (folder / "gate-output.txt").write_text(outcome[0] + "\n", encoding="utf-8")
    (folder / "gate-exit.txt").write_text(str(outcome[1]), encoding="utf-8")
    return folder


# GitHub's expression language, as much of it as a step's `if:` needs.
TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<op>==|!=|&&|\|\||!|\(|\))"
    r"|(?P<name>[A-Za-z_][\w.-]*(?:\(\))?))"
)
WORDS = {"&&": " and ", "||": " or ", "!": " not "}


def runs(condition: object, train_failed: bool, train_id: str | None) -> bool:
    """Whether a step with this ``if:`` runs after the train step failed or passed."""
    text = str(condition or "").strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2].strip()
    if not re.search(r"\b(success|failure|always|cancelled)\(\)", text):
        text = f"success() && ({text})" if text else "success()"  # GitHub's default
    outcome = "failure" if train_failed else "success"
    names: dict[str, Any] = {
        "success()": not train_failed,
        "failure()": train_failed,
        "always()": True,
        "cancelled()": False,
        "true": True,
        "false": False,
    }
    if train_id:
        names[f"steps.{train_id}.outcome"] = outcome
        names[f"steps.{train_id}.conclusion"] = outcome
    python, values, at = [], [], 0
    while at < len(text):
        token = TOKEN.match(text, at)
        if token is None or token.end() == at:
            raise AssertionError(f"the checks cannot read `if: {condition}`")
        at = token.end()
        if token["op"]:
            python.append(WORDS.get(token["op"], token["op"]))
            continue
        if token["string"] is not None:
            values.append(token["string"][1:-1].replace("''", "'"))
        else:
            values.append(names.get(token["name"]))
        python.append(f"_[{len(values) - 1}]")
    return bool(eval("".join(python), {"__builtins__": {}, "_": values}))


def test_the_workflow_matches_the_github_schema(
    pipeline: dict[str, Any], tmp_path: Path
) -> None:
    """ml-pipeline.yml with your steps passes check-jsonschema's workflow schema."""
    path = tmp_path / "ml-pipeline.yml"
    # PyYAML reads a bare `on:` as the boolean True (YAML 1.1): write it back as on.
    dumped = {("on" if key is True else key): value for key, value in pipeline.items()}
    path.write_text(yaml.safe_dump(dumped, sort_keys=False), encoding="utf-8")
    done = subprocess.run(
        [*CHECK_JSONSCHEMA, "vendor.github-workflows", path.name],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    said = [line.strip() for line in (done.stdout + done.stderr).splitlines()]
    found = [line.partition("::")[2] for line in said if "::$" in line]
    assert done.returncode == 0, "check-jsonschema says:\n" + "\n".join(
        [line for line in found if not line.partition(": ")[2].startswith("{")]
        or said[:5]
    )


def test_the_train_command_is_unchanged(steps: dict[str, Step]) -> None:
    """The train step runs the same churn train command as ml-pipeline.yml."""
    job = yaml.safe_load((WORKFLOWS / "ml-pipeline.yml").read_text("utf-8"))
    (original,) = [s for s in job["jobs"]["train"]["steps"] if is_train(s)]

    def command(step: Step) -> Any:
        script = " ".join(str(step.get("run", "")).replace("\\\n", " ").split())
        found = re.search(r"churn (train\b[^|;&>]*)", script)
        assert found, "the train step no longer runs `churn train`"
        return _parser().parse_args(found[1].split())

    assert command(steps["train"]) == command(original), (
        "the train step's `churn train` has other arguments than ml-pipeline.yml's: "
        f"want `churn {re.search(r'churn (train[^|;&>]*)', original['run'])[1]}`"
    )


def test_a_refusal_still_stops_the_job(steps: dict[str, Step], tmp_path: Path) -> None:
    """When the gate refuses, the train step still fails with exit code 3."""
    done = run_step(steps["train"], workspace(tmp_path, REFUSED), "train")
    assert done.returncode == GATE_REFUSED, (
        f"when `churn train` exits with {GATE_REFUSED}, your train step exits with "
        f"{done.returncode}: then promote runs after a refusal. A pipe exits with "
        "its last command's code unless bash runs with -o pipefail "
        f"(`shell: bash` does){': ' + done.stderr.strip() if done.stderr else ''}"
    )


def test_a_pass_still_promotes(steps: dict[str, Step], tmp_path: Path) -> None:
    """When the gate passes, the train step succeeds, so promote runs."""
    done = run_step(steps["train"], workspace(tmp_path, PASSED), "train")
    assert done.returncode == 0, (
        f"when `churn train` passes, your train step exits with {done.returncode}: "
        f"want 0, so promote runs{': ' + done.stderr.strip() if done.stderr else ''}"
    )


def test_the_log_still_shows_the_report(steps: dict[str, Step], tmp_path: Path) -> None:
    """The train step's log still shows the gate's report."""
    done = run_step(steps["train"], workspace(tmp_path, REFUSED), "train")
    assert REASONS[0] in done.stdout, (
        "the train step's log no longer shows the gate's reasons: keep them in the "
        "log too (tee writes to a file and to the log)"
    )


def test_the_summary_step_runs_only_when_training_failed(
    steps: dict[str, Step],
) -> None:
    """The summary step runs when the train step failed, and not when it passed."""
    condition = steps["summary"].get("if")
    train_id = steps["train"].get("id")
    shown = f"`if: {condition}`" if condition is not None else "no `if:`"
    assert runs(condition, True, train_id), (
        f"with {shown} the summary step does not run after the train step "
        "failed: a condition without failure() or always() runs only when every "
        "step before it succeeded"
    )
    assert not runs(condition, False, train_id), (
        f"with {shown} the summary step runs when training passed: "
        "want it only after a failure"
    )


def test_the_summary_shows_the_reasons(steps: dict[str, Step], tmp_path: Path) -> None:
    """After a refusal, the summary step writes the gate's reasons to the summary."""
    folder = workspace(tmp_path, REFUSED)
    run_step(steps["train"], folder, "train")
    done = run_step(steps["summary"], folder, "summary")
    summary = folder / "summary-summary.md"
    written = summary.read_text(encoding="utf-8") if summary.exists() else ""
    missing = [reason for reason in REASONS if reason not in written]
    assert not missing, (
        f"after a refusal, the summary step writes {len(written)} characters to "
        f"$GITHUB_STEP_SUMMARY without the reason {missing[0]!r}: want the gate's "
        "report there, read from the file the train step kept"
        f"{' (it said: ' + done.stderr.strip() + ')' if done.stderr.strip() else ''}"
    )
