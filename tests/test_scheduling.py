from __future__ import annotations

from tests.scheduling import SiteModulesWhole, unit_of


def test_a_module_of_the_sites_tests_is_one_unit() -> None:
    for nodeid in [
        "tests/browser/test_pages.py::test_page_fits_a_phone_screen[skills/]",
        "tests/browser/test_pages.py::test_page_links_only_to_built_pages[]",
    ]:
        assert unit_of(nodeid) == "tests/browser/test_pages.py"
    site = "tests/site/test_build.py::test_strict_build_passes_without_warnings"
    assert unit_of(site) == "tests/site/test_build.py"
    checks = "tests/exercises/test_exercises.py::test_the_solution_passes[skills/x]"
    assert unit_of(checks) == "tests/exercises/test_exercises.py"


def test_every_other_test_is_a_unit_of_its_own() -> None:
    for nodeid in [
        "tests/reader/test_pages.py::test_page_runs_as_the_reader_copies_it[skills/]",
        "tests/test_docs.py::test_example[docs/site/x.md:3]",
        "tests/churn/test_serve.py::test_ready",
    ]:
        assert unit_of(nodeid) == nodeid


def test_the_scheduler_splits_by_these_units() -> None:
    scheduler = SiteModulesWhole.__new__(SiteModulesWhole)  # splitting needs no config
    assert scheduler._split_scope("tests/site/test_x.py::t") == "tests/site/test_x.py"
    assert scheduler._split_scope("tests/test_docs.py::t") == "tests/test_docs.py::t"
