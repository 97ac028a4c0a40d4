from __future__ import annotations

from tests.scheduling import SITE, SiteOnOneWorker, unit_of


def test_the_built_sites_tests_are_one_unit() -> None:
    for nodeid in [
        "tests/site/test_build.py::test_strict_build_passes_without_warnings",
        "tests/browser/test_pages.py::test_page_fits_a_phone_screen[skills/]",
    ]:
        assert unit_of(nodeid) == SITE


def test_every_other_test_is_a_unit_of_its_own() -> None:
    for nodeid in [
        "tests/reader/test_pages.py::test_page_runs_as_the_reader_copies_it[skills/]",
        "tests/test_docs.py::test_example[docs/site/x.md:3]",
        "tests/churn/test_serve.py::test_ready",
    ]:
        assert unit_of(nodeid) == nodeid


def test_the_scheduler_splits_by_these_units() -> None:
    scheduler = SiteOnOneWorker.__new__(SiteOnOneWorker)  # no config needed to split
    assert scheduler._split_scope("tests/site/test_build.py::t") == SITE
    assert scheduler._split_scope("tests/test_docs.py::t") == "tests/test_docs.py::t"
