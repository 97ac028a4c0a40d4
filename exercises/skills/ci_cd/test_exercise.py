"""Checks for the exercise of docs/skills/ci-cd.md: a workflow that retrains on drift.

The workflow is validated with check-jsonschema's GitHub workflow schema, as
tests/test_workflows.py validates the repository's own, and its ``churn`` commands
with the CLI's own parser. Whether the retraining job runs is worked out from the
workflow's expressions, once for a week with drift and once for a week without.
"""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from churn.cli import _parser
from tests.test_workflows import shell_commands, triggers

Workflow = dict[str, Any]
Job = dict[str, Any]
COMMANDS = ("generate", "train", "promote", "monitor")
CHECK_JSONSCHEMA = [sys.executable, "-m", "check_jsonschema", "--builtin-schema"]


@pytest.fixture(scope="module")
def workflow(exercise_file: Path) -> Workflow:
    """The reader's workflow, as GitHub reads its YAML."""
    try:
        found = yaml.safe_load(exercise_file.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or error
        pytest.fail(f"{exercise_file.name}{where} is not valid YAML: {problem}", False)
    if not isinstance(found, dict) or not isinstance(found.get("jobs"), dict):
        pytest.fail(f"{exercise_file.name} has no `jobs:`: want a workflow", False)
    return found


def churn_commands(job: Job) -> list[tuple[int, list[str]]]:
    """Each ``churn`` command a job runs: the step's index and the words after churn."""
    found = []
    for index, step in enumerate(job.get("steps") or []):
        for line in shell_commands(str(step.get("run", ""))):
            words = line.split()
            for at, word in enumerate(words[:-1]):
                if (word == "churn" or word.endswith("/churn")) and words[
                    at + 1
                ] in COMMANDS:
                    found.append((index, words[at + 1 :]))
                    break
    return found


WANTED = {
    "monitor": "want a job that compares a window with the training data",
    "train": "want a second job that retrains",
}


def job_running(workflow: Workflow, command: str) -> tuple[str, Job]:
    """The job that runs ``churn <command>``, by name."""
    for name, job in workflow["jobs"].items():
        if any(words[0] == command for _, words in churn_commands(job)):
            return name, job
    pytest.fail(f"no job runs `churn {command}`: {WANTED[command]}", pytrace=False)


def monitor_step(job: Job) -> dict[str, Any]:
    """The step of a job that runs ``churn monitor``."""
    index = next(i for i, words in churn_commands(job) if words[0] == "monitor")
    return job["steps"][index]


def parsed(words: list[str]) -> Any:
    """A churn command's arguments, read by the CLI's parser; its error, in words."""
    errors = io.StringIO()
    try:
        with contextlib.redirect_stderr(errors):
            return _parser().parse_args(words)
    except SystemExit:
        said = errors.getvalue().strip().splitlines()[-1:] or ["refused"]
        pytest.fail(f"`churn {' '.join(words)}`: the CLI says {said[0]}", False)


# GitHub's expression language, as much of it as an `if:` or an output needs.
TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<number>\d+(?:\.\d+)?)"
    r"|(?P<op>==|!=|&&|\|\||!|\(|\))|(?P<name>[A-Za-z_][\w.-]*(?:\(\))?))"
)
WORDS = {"&&": " and ", "||": " or ", "!": " not "}
STATUS = {"always()": True, "success()": True, "failure()": False, "cancelled()": False}


def evaluate(expression: str, context: dict[str, Any]) -> Any:
    """The value of one GitHub expression (without ``${{ }}``) in ``context``."""
    python, values, at = [], [], 0
    expression = expression.strip()
    while at < len(expression):
        token = TOKEN.match(expression, at)
        if token is None or token.end() == at:
            raise AssertionError(f"the checks cannot read {expression!r}")
        at = token.end()
        if token["string"] is not None:
            values.append(token["string"][1:-1].replace("''", "'"))
        elif token["number"] is not None:
            values.append(float(token["number"]))
        elif token["op"] is not None:
            python.append(WORDS.get(token["op"], token["op"]))
            continue
        elif token["name"] in STATUS:
            values.append(STATUS[token["name"]])
        elif token["name"] in {"true", "false", "null"}:
            values.append({"true": True, "false": False, "null": None}[token["name"]])
        else:
            value: Any = context
            for part in token["name"].split("."):
                value = value.get(part) if isinstance(value, dict) else None
            values.append(value)
        python.append(f"_[{len(values) - 1}]")
    return eval("".join(python), {"__builtins__": {}, "_": values})


def as_text(value: Any) -> str:
    """A value as GitHub writes it into a string: booleans as true and false."""
    return {True: "true", False: "false", None: ""}.get(value, str(value))


def render(template: str, context: dict[str, Any]) -> str:
    """A job output: text with ``${{ ... }}`` expressions in it."""
    return re.sub(
        r"\$\{\{(.*?)\}\}", lambda m: as_text(evaluate(m[1], context)), template
    )


def retrains(workflow: Workflow, monitor_outcome: str) -> bool:
    """Whether the retraining job runs when the monitor step ends in this outcome."""
    drift_name, drift = job_running(workflow, "monitor")
    step = monitor_step(drift)
    conclusion = "success" if step.get("continue-on-error") else monitor_outcome
    if conclusion == "failure":
        return False  # the drift job failed: a job that needs it is skipped
    steps = {
        s["id"]: {"outcome": "success", "conclusion": "success"}
        for s in drift["steps"]
        if "id" in s
    }
    if "id" in step:
        steps[step["id"]] = {"outcome": monitor_outcome, "conclusion": conclusion}
    outputs = {
        name: render(str(value), {"steps": steps})
        for name, value in (drift.get("outputs") or {}).items()
    }
    _, job = job_running(workflow, "train")
    needed = job.get("needs", [])
    needed = [needed] if isinstance(needed, str) else needed
    results = {name: {"result": "success", "outputs": {}} for name in needed}
    if drift_name in results:
        results[drift_name]["outputs"] = outputs
    context = {"needs": results}
    condition = str(job.get("if", "success()")).strip()
    if condition.startswith("${{") and condition.endswith("}}"):
        condition = condition[3:-2]
    return bool(evaluate(condition, context))


def schema_errors(said: str) -> list[str]:
    """The lines of check-jsonschema's output that name a field and what is wrong.

    For a job that matches none of the schema's forms it prints the whole job, then
    the best match: only the best match is kept.
    """
    lines = [line.strip() for line in said.splitlines() if line.strip()]
    kept = []
    for number, line in enumerate(lines):
        if line in {"Best Match:", "Best Deep Match:"} and number + 1 < len(lines):
            kept.append(lines[number + 1])
        elif "::$" in line and not line.partition(": ")[2].startswith("{"):
            kept.append(line.partition("::")[2])
    return kept or lines[:5]


def test_the_workflow_matches_the_github_schema(exercise_file: Path) -> None:
    """The workflow passes check-jsonschema's GitHub workflow schema."""
    done = subprocess.run(
        [*CHECK_JSONSCHEMA, "vendor.github-workflows", exercise_file.name],
        capture_output=True,
        text=True,
        check=False,
        cwd=exercise_file.parent,
    )
    assert done.returncode == 0, "check-jsonschema says:\n" + "\n".join(
        schema_errors(done.stdout + done.stderr)
    )


def test_it_runs_weekly_and_on_demand(workflow: Workflow) -> None:
    """It runs once a week on a schedule, and on demand (workflow_dispatch)."""
    on = triggers(workflow) or {}
    assert "workflow_dispatch" in on, (
        "the workflow has no workflow_dispatch: want a way to run it by hand"
    )
    crons = [entry.get("cron", "") for entry in on.get("schedule") or []]
    assert crons, "the workflow has no schedule: want it to run every week by itself"
    fields = crons[0].split()
    weekly = (
        len(fields) == 5
        and fields[2:4] == ["*", "*"]
        and re.fullmatch(r"[0-7]|MON|TUE|WED|THU|FRI|SAT|SUN", fields[4].upper())
    )
    assert weekly, (
        f"the schedule is {crons[0]!r}: want once a week, such as '0 5 * * 1' "
        "(minute, hour, any day of the month, any month, one day of the week)"
    )


def test_the_drift_job_compares_a_drifted_window(workflow: Workflow) -> None:
    """A job generates the training data and a drifted window, then monitors them."""
    _, job = job_running(workflow, "monitor")
    found = [(index, parsed(words)) for index, words in churn_commands(job)]
    made = {
        str(args.out): (index, args.drift)
        for index, args in found
        if args.command == "generate"
    }
    index, monitor = next((i, a) for i, a in found if a.command == "monitor")
    assert monitor.fail_on_drift, (
        "`churn monitor` has no --fail-on-drift: without it the step succeeds "
        "whatever the window holds, and nothing can tell a drift"
    )
    for role, path in (("reference", monitor.reference), ("current", monitor.current)):
        written = made.get(str(path), (index, 0))[0] < index
        assert written, (
            f"`churn monitor` reads its {role} data from {path}, which no "
            "`churn generate --out` before it writes"
        )
    assert made[str(monitor.current)][1] > 0, (
        f"the current window, {monitor.current}, is generated without --drift: want "
        "a drifted one, such as --drift 0.5, so the loop has something to find"
    )
    assert made[str(monitor.reference)][1] == 0, (
        f"the reference, {monitor.reference}, is generated with --drift: want the "
        "training data as it is"
    )


def test_the_report_is_uploaded(workflow: Workflow) -> None:
    """The drift job writes a report and uploads it as an artifact."""
    _, job = job_running(workflow, "monitor")
    index, words = next((i, w) for i, w in churn_commands(job) if w[0] == "monitor")
    report = parsed(words).report
    assert report, "`churn monitor` writes no report: give it --report <file>"
    uploads = [
        step.get("with", {}).get("path", "")
        for step in job["steps"][index + 1 :]
        if str(step.get("uses", "")).startswith("actions/upload-artifact@")
    ]
    assert any(str(report) in str(path).split() for path in uploads), (
        f"the report, {report}, is in no actions/upload-artifact step after the "
        f"monitor step (paths uploaded: {uploads or 'none'})"
    )


def test_a_drift_does_not_fail_the_job(workflow: Workflow) -> None:
    """The monitor step has an id and continue-on-error, so a drift does not stop it."""
    _, job = job_running(workflow, "monitor")
    step = monitor_step(job)
    assert step.get("continue-on-error") is True, (
        "the monitor step has no `continue-on-error: true`: a drift (exit 5) fails "
        "the job, and a job that needs it never runs"
    )
    assert step.get("id"), (
        "the monitor step has no id: without one no expression can read its outcome"
    )


def test_the_drift_job_passes_on_its_finding(workflow: Workflow) -> None:
    """The drift job has an output made from the monitor step's outcome."""
    _, job = job_running(workflow, "monitor")
    step_id = monitor_step(job).get("id", "<its id>")
    outputs = job.get("outputs") or {}
    assert any(f"steps.{step_id}.outcome" in str(v) for v in outputs.values()), (
        f"no output of the drift job reads steps.{step_id}.outcome (outputs: "
        f"{outputs or 'none'}); the outcome is failure when drift is found, while "
        "continue-on-error makes the conclusion success"
    )


def test_retraining_is_a_second_job_after_the_first(workflow: Workflow) -> None:
    """A second job needs the drift job, and generates data, trains, then promotes."""
    drift_name, _ = job_running(workflow, "monitor")
    name, job = job_running(workflow, "train")
    assert name != drift_name, (
        f"`churn train` runs in {name}, the drift job: want it in a second job"
    )
    needed = job.get("needs", [])
    needed = [needed] if isinstance(needed, str) else needed
    assert drift_name in needed, (
        f"the job {name} needs {needed or 'nothing'}: want `needs: {drift_name}`, "
        "so it starts after the drift job and can read its outputs"
    )
    order = [parsed(words).command for _, words in churn_commands(job)]
    assert order == ["generate", "train", "promote"], (
        f"the job {name} runs churn {', '.join(order)}: want generate, train, then "
        "promote, as ml-pipeline.yml does"
    )


def test_it_retrains_after_a_drift(workflow: Workflow) -> None:
    """In a week with drift, the retraining job runs."""
    assert retrains(workflow, "failure"), (
        "when the monitor step finds drift, the retraining job's `if:` is false, so "
        "nothing retrains: want it to run on the drift job's output"
    )


def test_it_does_not_retrain_without_a_drift(workflow: Workflow) -> None:
    """In a week without drift, the retraining job is skipped."""
    assert not retrains(workflow, "success"), (
        "when the monitor step finds no drift, the retraining job runs anyway: an "
        "output is text, so compare it (== 'true'), since 'false' is true too"
    )
