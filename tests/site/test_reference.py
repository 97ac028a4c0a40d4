"""The churn reference has one page per module, and none is missing or stale."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

from tests.paths import DOCS, ROOT, SNIPPETS
from tests.site.build import Build

PAGES = DOCS / "reference" / "churn"
MODULES = sorted(
    path.stem for path in (SNIPPETS / "churn").glob("*.py") if path.stem[0] != "_"
)


def summary(module: str) -> str:
    """The first line of a churn module's docstring."""
    tree = ast.parse((SNIPPETS / "churn" / f"{module}.py").read_text())
    return (ast.get_docstring(tree) or "").splitlines()[0]


def front_matter(page: Path) -> dict[str, str]:
    """The YAML between a page's leading ``---`` lines."""
    return yaml.safe_load(page.read_text().split("---")[1])


def test_every_module_is_listed() -> None:
    assert "serve" in MODULES
    assert "__main__" not in MODULES
    pages = sorted(page.stem for page in PAGES.glob("*.md") if page.stem != "index")
    assert pages == MODULES


@pytest.mark.parametrize("module", MODULES)
def test_module_page_renders_its_module(module: str) -> None:
    page = PAGES / f"{module}.md"
    assert f"::: churn.{module}\n" in page.read_text()
    # The search engines' summary of the page is the module's own first line.
    description = front_matter(page)["description"]
    assert description == f"API reference of churn.{module}: {summary(module)}"


@pytest.mark.parametrize("module", MODULES)
def test_module_page_is_linked_from_the_index_and_nav(module: str) -> None:
    assert f"[`churn.{module}`]({module}.md)" in (PAGES / "index.md").read_text()
    nav = (ROOT / "mkdocs.yml").read_text()
    assert f"- churn.{module}: reference/churn/{module}.md\n" in nav


def test_module_page_shows_the_functions_docstrings(built_site: Build) -> None:
    page = built_site.site / "reference" / "churn" / "serve" / "index.html"
    text = page.read_text()
    assert 'id="churn.serve.create_app"' in text
    assert "Build the service around a loader" in text
