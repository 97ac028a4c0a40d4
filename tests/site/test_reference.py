"""Every module in snippets/ has its own reference page, and none is missing or stale.

The reference mirrors snippets/: ``snippets/churn/serve.py`` is documented by
``docs/reference/churn/serve.md``, listed in ``docs/reference/churn/index.md``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

from tests.paths import DOCS, ROOT, SNIPPETS
from tests.site.build import Build

REFERENCE = DOCS / "reference"
# Modules as paths under snippets/ without ".py", e.g. "skills/api/timeouts".
MODULES = sorted(
    str(path.relative_to(SNIPPETS).with_suffix(""))
    for path in SNIPPETS.rglob("*.py")
    if not path.name.startswith("_")
)


def summary(module: str) -> str:
    """The first line of a module's docstring."""
    tree = ast.parse((SNIPPETS / f"{module}.py").read_text())
    return (ast.get_docstring(tree) or "").splitlines()[0]


def front_matter(page: Path) -> dict[str, str]:
    """The YAML between a page's leading ``---`` lines."""
    return yaml.safe_load(page.read_text().split("---")[1])


def test_every_module_has_a_page() -> None:
    assert {"churn/serve", "roles/slo", "skills/api/timeouts"} <= set(MODULES)
    pages = sorted(
        str(page.relative_to(REFERENCE).with_suffix(""))
        for page in REFERENCE.rglob("*.md")
        if page.name != "index.md"
    )
    assert pages == MODULES


@pytest.mark.parametrize("module", MODULES)
def test_module_page_renders_its_module(module: str) -> None:
    page = REFERENCE / f"{module}.md"
    dotted = module.replace("/", ".")
    assert f"::: {dotted}\n" in page.read_text()
    # The search engines' summary of the page is the module's own first line.
    description = front_matter(page)["description"]
    assert description == f"API reference of {dotted}: {summary(module)}"


@pytest.mark.parametrize("module", MODULES)
def test_module_page_is_in_its_package_index_and_the_nav(module: str) -> None:
    package, rest = module.split("/", 1)
    dotted = module.replace("/", ".")
    index = (REFERENCE / package / "index.md").read_text()
    assert f"[`{dotted}`]({rest}.md)" in index
    nav = (ROOT / "mkdocs.yml").read_text()
    assert f"- {dotted}: reference/{module}.md\n" in nav


def test_module_page_shows_the_functions_docstrings(built_site: Build) -> None:
    page = built_site.site / "reference" / "churn" / "serve" / "index.html"
    text = page.read_text()
    assert 'id="churn.serve.create_app"' in text
    assert "Build the service around a loader" in text
