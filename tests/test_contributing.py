"""CONTRIBUTING.md says what the repository has: every make command, by name."""

from __future__ import annotations

import re

from tests.paths import ROOT

CONTRIBUTING = ROOT / "CONTRIBUTING.md"


def documented_targets() -> set[str]:
    """The Makefile's targets that `make help` lists (a ``## `` comment after them)."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z-]+):.*## ", text, re.MULTILINE))


def test_contributing_names_every_make_command() -> None:
    text = CONTRIBUTING.read_text(encoding="utf-8")
    shown = set(re.findall(r"^make ([a-z-]+)", text, re.MULTILINE))
    (sentence,) = re.findall(
        r"`make help` lists the other commands: (.*?)\.\n\n", text, re.S
    )
    listed = set(re.findall(r"`([a-z-]+)`", sentence))
    assert listed | shown | {"help"} == documented_targets()
    assert not listed & shown, "a command is both shown above and listed"
