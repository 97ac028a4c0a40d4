"""The environment of a subprocess that runs none of ``snippets/``.

``make test`` measures coverage with ``patch = ["subprocess"]``: coverage puts
``COVERAGE_PROCESS_CONFIG`` in the environment, and every Python process started
with it measures itself. That is what proves the churn CLI and ``churn serve``
run by the tests; for a process that runs only other projects' code (a site build,
an ``mlflow server``, a reader's fresh environment) it measures nothing and slows
the process by half or more.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

# coverage's variables, and those of pytest-cov's older subprocess support
COVERAGE_PREFIXES = ("COVERAGE_", "COV_")


def unmeasured(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """``env`` (this process's environment by default) without coverage's variables.

    Use it only for a process that runs none of ``snippets/``: run under
    ``COVERAGE_PROCESS_START`` and reported, such a process covers 0 statements.
    """
    source = os.environ if env is None else env
    return {k: v for k, v in source.items() if not k.startswith(COVERAGE_PREFIXES)}
