"""Run the node unit tests of the self-assessment script's logic from pytest.

The script's pure functions (state in localStorage, totals, gaps) are tested with
node's built-in runner, ``node --test``; its behaviour on the page is checked in a
real browser by the browser tests. Without node on the machine this test skips.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.paths import ROOT

HERE = Path(__file__).parent
NODE_TESTS = HERE / "self_assessment.test.cjs"
SCRIPT = ROOT / "docs" / "assets" / "javascripts" / "self-assessment.js"


def test_the_script_is_the_one_the_site_loads():
    assert SCRIPT.is_file()
    assert "assets/javascripts/self-assessment.js" in (ROOT / "mkdocs.yml").read_text()


def test_node_unit_tests_pass():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    done = subprocess.run(
        [node, "--test", str(NODE_TESTS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # Guard against a runner that finds nothing and exits 0.
    passed = re.search(r"^# pass (\d+)$", done.stdout, re.MULTILINE)
    assert passed is not None, done.stdout
    assert int(passed.group(1)) > 0, done.stdout
