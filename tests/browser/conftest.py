"""Chromium, driven by Playwright, reading the strict build served on loopback.

One browser serves each test module; each test gets fresh contexts (no shared
storage, cookies or permissions), which the ``open_context`` fixture closes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, expect, sync_playwright

from tests.browser.checks import Recorder
from tests.browser.chromium import LAUNCH_ARGS, require_chromium
from tests.browser.pages import deployed_url, site_prefix
from tests.browser.server import serve
from tests.site.build import Build

OpenContext = Callable[..., tuple[BrowserContext, Recorder]]
# Generous waits for shared CI machines; a wait ends as soon as its condition holds.
TIMEOUT_MS = 30_000
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, with a fresh profile, for one test module.

    Not for the session: while Playwright's sync API is started, its event loop
    counts as running in this thread, so any other test that calls asyncio.run()
    (the service, micro-batching, timeouts) would fail in between.
    """
    path = require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def site_url(built_site: Build) -> Iterator[str]:
    """The strict build served on 127.0.0.1 at its deployed path, e.g. /guide/."""
    if built_site.returncode != 0:
        first = "\n".join(built_site.warnings[:10] or built_site.log.splitlines()[-10:])
        pytest.fail(f"the strict build failed, nothing to browse:\n{first}")
    with serve(built_site.site, site_prefix(), deployed_url()) as url:
        yield url


@pytest.fixture
def open_context(browser: Browser) -> Iterator[OpenContext]:
    """Open browser contexts that record their traffic; all close after the test."""
    opened: list[BrowserContext] = []

    def open_(**options: Any) -> tuple[BrowserContext, Recorder]:
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        recorder = Recorder()
        recorder.attach(context)
        opened.append(context)
        return context, recorder

    yield open_
    for context in opened:
        context.close()
