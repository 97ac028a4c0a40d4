"""One strict build of the real site per test session, shared by the site tests."""

from __future__ import annotations

import pytest

from tests.paths import ROOT
from tests.site.build import Build, build


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The site as `make build` makes it, in a temporary folder."""
    return build(ROOT, tmp_path_factory.mktemp("site"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Keep the site tests on one xdist worker, so the site is built only once."""
    for item in items:
        if "tests/site/" in item.nodeid:
            item.add_marker(pytest.mark.xdist_group("site"))
