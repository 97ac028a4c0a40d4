"""Find Debian's Chromium for the browser tests, or say how to install it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping

import pytest

# Ubuntu's `chromium-browser` is a shim that installs a snap: only a real binary will.
NAMES = ("chromium",)
INSTALL = (
    "Chromium is needed by the browser tests (tests/browser/): install it with "
    "`sudo apt-get install chromium` (Debian), or set CHROMIUM to a Chromium binary."
)
# Headless, and quiet: no updates, sync or background requests leave the machine, and
# every host but loopback fails to resolve, so a page cannot reach the network.
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def in_ci(env: Mapping[str, str]) -> bool:
    """True when the ``CI`` variable says so, as GitHub Actions and most CIs set it."""
    return env.get("CI", "").strip().lower() in {"true", "1", "yes"}


def find_chromium(
    env: Mapping[str, str] = os.environ,
    which: Callable[[str], str | None] = shutil.which,
) -> str | None:
    """The Chromium binary to drive: ``$CHROMIUM`` if set, else one on ``PATH``."""
    if env.get("CHROMIUM"):
        return env["CHROMIUM"] if os.access(env["CHROMIUM"], os.X_OK) else None
    return next((path for name in NAMES if (path := which(name))), None)


def require_chromium(
    env: Mapping[str, str] = os.environ,
    which: Callable[[str], str | None] = shutil.which,
) -> str:
    """Return Chromium's path; without one, skip the test, or fail it in CI.

    Raises:
        pytest.skip.Exception: No Chromium, outside CI.
        pytest.fail.Exception: No Chromium in CI, where the browser tests must run.
    """
    path = find_chromium(env, which)
    if path is None:
        if in_ci(env):
            pytest.fail(f"CI=true but no Chromium was found. {INSTALL}")
        pytest.skip(INSTALL)
    return path
