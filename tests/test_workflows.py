"""The CI workflows, issue forms and pre-commit config are valid and do what we promise.

check-jsonschema validates against schemas vendored in the package
(``--builtin-schema``), so these tests download nothing.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.paths import ROOT, WORKFLOWS

ISSUE_TEMPLATES = ROOT / ".github" / "ISSUE_TEMPLATE"
ISSUE_CONFIG = ISSUE_TEMPLATES / "config.yml"
PRE_COMMIT_CONFIG = ROOT / ".pre-commit-config.yaml"
EXPECTED_WORKFLOWS = {
    "test.yml",
    "pages.yml",
    "weekly.yml",
    "links.yml",
    "ml-pipeline.yml",
    "zensical.yml",
}

WORKFLOW_FILES = sorted(WORKFLOWS.glob("*.yml"))
ISSUE_FORMS = sorted(p for p in ISSUE_TEMPLATES.glob("*.yml") if p != ISSUE_CONFIG)

INVALID_WORKFLOW = """\
on: push
jobs:
  broken:
    name: a job with neither runs-on nor steps
"""


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    # The interpreter running pytest is the project's venv, so its modules are
    # the versions pinned in uv.lock.
    return subprocess.run(
        [sys.executable, *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


def check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    return run("-m", "check_jsonschema", "--builtin-schema", schema, path)


def output(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"


def load(name: str) -> dict[Any, Any]:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    # PyYAML follows YAML 1.1, where a bare `on` key is the boolean True.
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return on


def steps(workflow: dict[Any, Any]) -> Iterator[dict[str, Any]]:
    for job in workflow["jobs"].values():
        yield from job.get("steps", [])


def actions(workflow: dict[Any, Any]) -> set[str]:
    return {step["uses"].split("@")[0] for step in steps(workflow) if "uses" in step}


def commands(workflow: dict[Any, Any]) -> str:
    return "\n".join(step.get("run", "") for step in steps(workflow))


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_workflow_matches_github_schema(path: Path):
    result = check_jsonschema("vendor.github-workflows", path)
    assert result.returncode == 0, output(result)


@pytest.mark.parametrize("path", ISSUE_FORMS, ids=lambda p: p.name)
def test_issue_form_matches_github_schema(path: Path):
    result = check_jsonschema("vendor.github-issue-forms", path)
    assert result.returncode == 0, output(result)


def test_issue_config_matches_github_schema():
    result = check_jsonschema("vendor.github-issue-config", ISSUE_CONFIG)
    assert result.returncode == 0, output(result)


def test_validator_rejects_an_invalid_workflow(tmp_path: Path):
    path = tmp_path / "broken.yml"
    path.write_text(INVALID_WORKFLOW, encoding="utf-8")
    result = check_jsonschema("vendor.github-workflows", path)
    # Exit 1 with a schema error, not a crash, proves the schema was applied.
    assert result.returncode == 1, output(result)
    assert "Schema validation errors" in result.stdout, output(result)


def test_expected_workflows_exist():
    missing = EXPECTED_WORKFLOWS - {p.name for p in WORKFLOW_FILES}
    assert not missing, f"missing workflows: {sorted(missing)}"


def test_tests_run_on_pull_requests_and_pushes_to_main():
    workflow = load("test.yml")
    on = triggers(workflow)
    assert "pull_request" in on
    assert on["push"]["branches"] == ["main"]
    assert "make test" in commands(workflow)


def test_pages_deploys_only_when_called_after_passing_tests():
    workflow = load("pages.yml")
    assert set(triggers(workflow)) == {"workflow_call"}
    assert "make build" in commands(workflow)
    build = workflow["jobs"]["build"]
    assert build["env"]["GUIDE_VERIFIED_COMMIT"] == "${{ github.sha }}"
    assert "GUIDE_VERIFIED_ON=" in commands(workflow)
    deploy = workflow["jobs"]["deploy"]
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert "actions/deploy-pages" in actions(workflow)


def test_a_push_to_main_is_published_after_its_tests_pass():
    pages = load("test.yml")["jobs"]["pages"]
    assert pages["uses"] == "./.github/workflows/pages.yml"
    assert set(pages["needs"]) == {"test", "package"}
    assert "github.event_name == 'push'" in pages["if"]
    assert "refs/heads/main" in pages["if"]
    assert pages["permissions"]["pages"] == "write"


def test_pages_builds_the_offline_bundle_and_a_release_gets_it():
    pages = load("pages.yml")
    assert "make bundle" in commands(pages)
    uploads = [s for s in steps(pages) if "upload-artifact" in s.get("uses", "")]
    assert [s["with"]["path"] for s in uploads] == ["dist/guide-offline.zip"]
    test = load("test.yml")
    assert triggers(test)["release"] == {"types": ["published"]}
    assert "github.event_name == 'release'" in test["jobs"]["pages"]["if"]
    attach = test["jobs"]["attach"]
    assert attach["needs"] == "pages"
    assert attach["if"] == "github.event_name == 'release'"
    assert attach["permissions"] == {"contents": "write"}
    assert "gh release upload" in str(attach["steps"])
    assert "guide-offline.zip" in str(attach["steps"])
    # Only the job that attaches the bundle may write to the repository.
    assert pages["permissions"] == {"contents": "read"}


def test_zensical_builds_the_same_config_and_never_blocks_a_merge():
    workflow = load("zensical.yml")
    on = triggers(workflow)
    assert "pull_request" in on
    assert on["push"]["branches"] == ["main"]
    (job,) = workflow["jobs"].values()
    assert job["continue-on-error"] is True
    version = job["env"]["ZENSICAL_VERSION"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), "pin Zensical's version"
    run = commands(workflow)
    assert '--with "zensical==${ZENSICAL_VERSION}"' in run
    assert "zensical build 2>&1 | tee zensical.log" in run
    assert "mkdocs build --strict --site-dir site-mkdocs" in run
    report = [s for s in job["steps"] if "tools.zensical_report" in s.get("run", "")]
    assert report, "no step reports the differences"
    assert report[0]["if"] == "always()"


def test_weekly_tests_the_lock_and_the_latest_versions_on_a_schedule():
    workflow = load("weekly.yml")
    assert triggers(workflow)["schedule"]
    locked, latest = workflow["jobs"]["locked"], workflow["jobs"]["latest"]
    assert "make test" in str(locked["steps"])
    assert "make test" in str(latest["steps"])
    assert "uv lock --upgrade" in str(latest["steps"])
    assert "uv lock --upgrade" not in str(locked["steps"])
    # The site is redeployed when the pinned guide passes, whatever `latest` says.
    pages = workflow["jobs"]["pages"]
    assert pages["needs"] == "locked"
    assert pages["uses"] == "./.github/workflows/pages.yml"


def test_links_are_checked_on_a_schedule():
    workflow = load("links.yml")
    assert triggers(workflow)["schedule"]
    assert "make build" in commands(workflow)
    assert "lycheeverse/lychee-action" in actions(workflow)


def needs(job: dict[str, Any]) -> list[str]:
    value = job.get("needs", [])
    return [value] if isinstance(value, str) else value


def job_commands(job: dict[str, Any]) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def test_ml_pipeline_tests_then_trains_then_builds_the_image():
    workflow = load("ml-pipeline.yml")
    on = triggers(workflow)
    assert on["push"]["branches"] == ["main"]
    assert "snippets/churn/**" in on["push"]["paths"]
    assert "workflow_dispatch" in on
    jobs = workflow["jobs"]
    order = {name: needs(job) for name, job in jobs.items()}
    assert order == {"test": [], "train": ["test"], "image": ["train"]}
    assert "make test" in job_commands(jobs["test"])


def test_ml_pipeline_promotes_only_after_training_passes_the_gate():
    train = load("ml-pipeline.yml")["jobs"]["train"]
    churn = [c.split()[3] for c in job_commands(train) if " -m churn " in c]
    assert churn == ["generate", "train", "promote"]
    # A step runs only if those before it succeeded unless it says otherwise.
    promote = next(s for s in train["steps"] if "churn promote" in s.get("run", ""))
    assert "if" not in promote
    assert "actions/upload-artifact" in {
        step["uses"].split("@")[0] for step in train["steps"] if "uses" in step
    }


def test_ml_pipeline_lints_and_builds_the_dockerfile():
    workflow = load("ml-pipeline.yml")
    image = workflow["jobs"]["image"]
    steps = image["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    build = steps[uses.index("docker/build-push-action")]
    assert build["with"]["context"] == "."
    assert (ROOT / build["with"]["file"]).resolve() == ROOT / "Dockerfile"
    assert build["with"]["push"] is False
    assert build["with"]["load"] is True  # into the runner's Docker, to be scanned
    lint = next(i for i, s in enumerate(steps) if "hadolint" in s.get("run", ""))
    assert lint < uses.index("docker/build-push-action")
    # Only the job that publishes may write packages.
    assert workflow["permissions"] == {"contents": "read"}
    assert image["permissions"] == {"contents": "read", "packages": "write"}


def test_the_image_is_scanned_before_anything_is_pushed():
    steps = load("ml-pipeline.yml")["jobs"]["image"]["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    build = uses.index("docker/build-push-action")
    scan = uses.index("aquasecurity/trivy-action")
    push = next(i for i, s in enumerate(steps) if "docker push" in s.get("run", ""))
    assert build < scan < push
    tags = steps[build]["with"]["tags"]
    assert steps[scan]["with"]["image-ref"] == tags
    # The pushed image is the scanned one: pushed from the runner, not rebuilt.
    assert steps[push]["run"] == f'docker push "{tags}"'
    assert uses.count("docker/build-push-action") == 1
    assert steps[scan]["with"]["exit-code"] == "1"
    assert steps[scan]["with"]["ignore-unfixed"] is True  # "that has a fix"
    assert set(steps[scan]["with"]["severity"].split(",")) == {"CRITICAL", "HIGH"}
    # Since March 2026 the action's release tags carry a v; the old ones are gone.
    assert steps[scan]["uses"].split("@")[1].startswith("v")
    assert steps[push]["if"] == "github.ref == 'refs/heads/main'"
    sbom = next(i for i, s in enumerate(steps) if s.get("run") == "make sbom")
    assert scan < sbom < push
    assert steps[sbom + 1]["with"]["path"] == "reports/sbom.cdx.json"


def shell_commands(script: str) -> list[str]:
    """A script's commands, continuation lines joined and spaces collapsed."""
    return [" ".join(line.split()) for line in script.replace("\\\n", " ").splitlines()]


def test_weekly_audits_every_locked_package_by_its_hashes():
    audit = load("weekly.yml")["jobs"]["audit"]
    (command,) = job_commands(audit)
    assert "uv export --frozen --all-groups" in command
    assert "pip-audit" in command
    for flag in ("--require-hashes", "--disable-pip", "--strict"):
        assert flag in command
    # The security page shows this command for readers to run; it is the same one.
    page = (ROOT / "docs" / "production" / "security.md").read_text(encoding="utf-8")
    shown = page.split('```bash test="skip - reaches PyPI', 1)[1].split("\n```", 1)[0]
    assert shell_commands(shown.split("\n", 1)[1]) == shell_commands(command)


def test_workflows_pin_the_uv_version_of_the_makefile():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(r"^UV_VERSION\s*:=\s*(\S+)", makefile, re.MULTILINE)
    assert match, "UV_VERSION not found in the Makefile"
    for path in WORKFLOW_FILES:
        for step in steps(load(path.name)):
            if step.get("uses", "").startswith("astral-sh/setup-uv@"):
                assert step["with"]["version"] == match[1], path.name


def test_pre_commit_config_is_valid():
    result = run("-m", "pre_commit", "validate-config", PRE_COMMIT_CONFIG)
    assert result.returncode == 0, output(result)


def test_pre_commit_fetches_no_hook_repository():
    config = yaml.safe_load(PRE_COMMIT_CONFIG.read_text(encoding="utf-8"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
