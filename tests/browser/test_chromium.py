"""Without Chromium the browser tests skip, saying how to install it; CI fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.chromium import find_chromium, in_ci, require_chromium


def nowhere(name: str) -> None:
    return None


def test_skips_with_install_instructions_outside_ci() -> None:
    with pytest.raises(pytest.skip.Exception, match=r"apt-get install chromium"):
        require_chromium(env={}, which=nowhere)


@pytest.mark.parametrize("value", ["true", "True", "1"])
def test_fails_in_ci(value: str) -> None:
    with pytest.raises(pytest.fail.Exception, match=r"CI=true.*apt-get install"):
        require_chromium(env={"CI": value}, which=nowhere)


def test_ci_false_is_not_ci() -> None:
    assert not in_ci({"CI": "false"})
    assert not in_ci({})


def test_finds_chromium_on_path() -> None:
    found = {"chromium": "/usr/bin/chromium"}
    assert require_chromium(env={"CI": "true"}, which=found.get) == "/usr/bin/chromium"


def test_chromium_variable_wins_and_must_be_executable(tmp_path: Path) -> None:
    binary = tmp_path / "chrome"
    binary.write_text("#!/bin/sh\n")
    env = {"CHROMIUM": str(binary)}
    assert find_chromium(env, which=nowhere) is None  # not executable yet
    binary.chmod(0o755)
    assert find_chromium(env, which=lambda name: "/usr/bin/chromium") == str(binary)
