"""How pytest-xdist shares the tests out: the built site's tests stay on one worker.

The tests under ``SITE_TESTS`` read one built site and share a browser per module,
so they go to a single worker as one unit, and the site is built there once. Every
other test is a unit of its own and goes to whichever worker is free.

This is a scheduler rather than ``xdist_group`` marks because ``--dist loadgroup``
stops grouping on pytest 9.2: xdist 3.8 writes the group into ``item._nodeid``,
which pytest 9.2 no longer reads (pytest-xdist issue #1386, open at xdist 3.8.0).
Nothing fails when that happens; the tests only spread out and run slower.
"""

from __future__ import annotations

from xdist.scheduler import LoadScopeScheduling

SITE_TESTS = ("tests/site/", "tests/browser/")
SITE = "site"


def unit_of(nodeid: str) -> str:
    """The work unit of a test: ``SITE`` for the built site's tests, else itself."""
    return SITE if nodeid.startswith(SITE_TESTS) else nodeid


class SiteOnOneWorker(LoadScopeScheduling):
    """xdist's scope scheduler, with the scopes of :func:`unit_of`.

    The scope scheduler hands out the largest unit first, so the site's long chain
    starts at once and the other worker takes the single tests around it.
    """

    def _split_scope(self, nodeid: str) -> str:
        return unit_of(nodeid)
