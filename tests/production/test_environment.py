import hashlib
import platform
import subprocess
from pathlib import Path

import numpy as np
import pytest
import sklearn
from threadpoolctl import threadpool_limits

from churn.artifacts import save_model
from churn.config import Config, ModelConfig
from churn.data import generate
from churn.features import FEATURES
from churn.train import train
from production import environment
from production.environment import UNKNOWN, Environment, capture, git_state


def git(repo: Path, *args: str) -> str:
    identity = ["-c", "user.name=Test", "-c", "user.email=test@example.com"]
    done = subprocess.run(
        ["git", *identity, *args], cwd=repo, check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


@pytest.fixture
def outside_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder git will not search above, so no enclosing repository is found."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


@pytest.fixture
def repo(outside_git: Path) -> Path:
    git(outside_git, "init", "--quiet")
    (outside_git / "train.py").write_text("print('train')\n")
    git(outside_git, "add", "train.py")
    git(outside_git, "commit", "--quiet", "-m", "first")
    return outside_git


def test_capture_names_python_platform_and_package_versions(outside_git):
    env = capture(["scikit-learn", "no-such-package-here"], repo=outside_git)
    assert env.python == platform.python_version()
    assert env.platform == platform.platform()
    assert env.packages == {
        "scikit-learn": sklearn.__version__,
        "no-such-package-here": None,
    }
    assert env.lock_sha256 is None


def test_the_lock_file_is_named_by_its_hash(tmp_path, outside_git):
    lock = tmp_path / "uv.lock"
    lock.write_text('version = 1\n[[package]]\nname = "pandas"\n')
    env = capture([], lock_file=lock, repo=outside_git)
    assert env.lock_sha256 == hashlib.sha256(lock.read_bytes()).hexdigest()
    lock.write_text('version = 1\n[[package]]\nname = "polars"\n')
    assert capture([], lock_file=lock, repo=outside_git).lock_sha256 != env.lock_sha256


def test_a_named_lock_file_that_is_missing_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"uv\.lock"):
        capture([], lock_file=tmp_path / "uv.lock")


def test_git_commit_and_dirty_flag(repo):
    commit = git(repo, "rev-parse", "HEAD")
    assert git_state(repo) == (commit, False)
    (repo / "notes.txt").write_text("untracked files do not count\n")
    assert git_state(repo) == (commit, False)
    (repo / "train.py").write_text("print('changed')\n")
    assert git_state(repo) == (commit, True)
    assert capture([], repo=repo).git_commit == commit


def test_no_repository_no_commit_or_no_git_give_none(outside_git, monkeypatch):
    assert git_state(outside_git) == (None, None)
    git(outside_git, "init", "--quiet")
    assert git_state(outside_git) == (None, None)  # a repository without commits
    monkeypatch.setenv("PATH", str(outside_git))  # no git executable on the path
    assert git_state(outside_git) == (None, None)


def test_openmp_threads_follow_the_limit_and_are_none_without_openmp(monkeypatch):
    # churn.train, imported above, loads scikit-learn's OpenMP runtime.
    with threadpool_limits(1):
        assert capture([]).openmp_threads == 1
    monkeypatch.setattr(environment, "threadpool_info", lambda: [])
    assert capture([]).openmp_threads is None


def test_tags_are_strings_with_the_same_keys_whatever_is_missing():
    full = Environment(
        python="3.11.9",
        platform="Linux-x86_64",
        cpu_count=4,
        openmp_threads=4,
        packages={"pandas": "3.1.1"},
        lock_sha256="ab" * 32,
        git_commit="c0ffee",
        git_dirty=False,
    )
    empty = Environment("3.11.9", "Linux-x86_64", None, None, {"pandas": None})
    assert full.to_tags() == {
        "env.python": "3.11.9",
        "env.platform": "Linux-x86_64",
        "env.cpu_count": "4",
        "env.openmp_threads": "4",
        "env.lock_sha256": "ab" * 32,
        "env.git_commit": "c0ffee",
        "env.git_dirty": "False",
        "env.pandas": "3.1.1",
    }
    assert empty.to_tags().keys() == full.to_tags().keys()
    assert empty.to_tags()["env.git_commit"] == UNKNOWN
    assert empty.to_tags()["env.pandas"] == UNKNOWN


# --8<-- [start:threads]
def test_the_thread_count_changes_the_model_file_not_its_predictions(tmp_path):
    # Why the environment records threads: scikit-learn's gradient boosting stores
    # the thread count it trained with, so the artifact hash depends on it.
    config = Config(n_rows=1_000, model=ModelConfig(max_iter=10))
    frame = generate(config.n_rows, config.seed)
    models = {}
    for threads in (1, 2):
        with threadpool_limits(threads):
            models[threads] = train(frame, config)
    if models[2].named_steps["classifier"]._bin_mapper.n_threads == 1:
        pytest.skip("this machine gives scikit-learn only one thread")
    hashes = {n: save_model(m, tmp_path / f"{n}.skops") for n, m in models.items()}
    assert hashes[1] != hashes[2]
    rows = generate(500, seed=2)[FEATURES]
    one, two = (models[n].predict_proba(rows) for n in (1, 2))
    np.testing.assert_array_equal(one, two)


# --8<-- [end:threads]
