"""The built site the reader tests read (the wheel, lock and uv: tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reader.venv import Place
from tests.site.build import Build
from tools.lock import Lock


@pytest.fixture(scope="session")
def reader_site(built_site: Build) -> Path:
    """The built site with each page's notebook written beside it."""
    assert built_site.returncode == 0, built_site.log[-3000:]
    return built_site.site


@pytest.fixture(scope="session")
def place(
    tmp_path_factory: pytest.TempPathFactory,
    uv: str,
    lock: Lock,
    full_pylock: Path,
    wheel: Path,
) -> Place:
    """The one folder where this worker makes each page's new environment."""
    root = tmp_path_factory.mktemp("reader-venv", numbered=False)
    return Place(root, uv, lock, full_pylock, wheel)
