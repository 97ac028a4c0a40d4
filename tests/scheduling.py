"""How pytest-xdist shares the tests out: each module of the site's tests stays whole.

The tests under ``SITE_TESTS`` read the built site, and a browser module shares one
Chromium and one visit per page among its tests; the exercises' tests share two runs
of every exercise's checks. So each of those modules goes to one worker as one
unit. Every other test is a unit of its own and goes to whichever
worker is free. Each worker builds the site once, when its first test needs it (the
reader tests need it on every worker anyway).

This is a scheduler rather than ``xdist_group`` marks because ``--dist loadgroup``
stops grouping on pytest 9.2: xdist 3.8 writes the group into ``item._nodeid``,
which pytest 9.2 no longer reads (pytest-xdist issue #1386, open at xdist 3.8.0).
Nothing fails when that happens; the tests only spread out and run slower.
"""

from __future__ import annotations

from xdist.scheduler import LoadScopeScheduling

SITE_TESTS = ("tests/site/", "tests/browser/", "tests/exercises/")


def unit_of(nodeid: str) -> str:
    """The work unit of a test: its module for the site's tests, else the test."""
    module = nodeid.split("::", 1)[0]
    return module if module.startswith(SITE_TESTS) else nodeid


class SiteModulesWhole(LoadScopeScheduling):
    """xdist's scope scheduler, with the scopes of :func:`unit_of`.

    The scope scheduler hands out the largest unit first, so the longest module
    starts at once and the other worker takes the rest around it.
    """

    def _split_scope(self, nodeid: str) -> str:
        return unit_of(nodeid)
