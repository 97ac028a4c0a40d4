import os
import subprocess
import sys

import pytest

from tests.environ import unmeasured


def test_coverages_variables_are_left_out_and_the_rest_kept() -> None:
    env = {"COVERAGE_PROCESS_CONFIG": "{}", "COV_CORE_SOURCE": "x", "HOME": "/h"}
    assert unmeasured(env) == {"HOME": "/h"}


@pytest.mark.skipif(
    "COVERAGE_PROCESS_CONFIG" not in os.environ, reason="runs only under make test"
)
def test_a_process_started_without_them_is_not_measured() -> None:
    # The variable coverage's subprocess patch sets is the one left out: a child
    # started with unmeasured() has no coverage running in it.
    probe = "import sys; print('coverage' in sys.modules)"
    measured, quiet = (
        subprocess.run(
            [sys.executable, "-c", probe], env=env, capture_output=True, text=True
        ).stdout.strip()
        for env in (dict(os.environ), unmeasured())
    )
    assert (measured, quiet) == ("True", "False")
