"""The "Run this page's code" box says what the page's code needs, and no more."""

from __future__ import annotations

from pathlib import Path

from tests.paths import DOCS, ROOT
from tests.tools.test_pages import EXCERPT, RUNNABLE, write_site
from tools.install_lines import box, fragment_of, include_line, source_of
from tools.lock import Lock
from tools.pages import read_page

LOCK = Lock(ROOT / "uv.lock")


def page_with(tmp_path: Path, code: str, extra: str = ""):
    block = RUNNABLE.replace("x = 1\n", code)
    return read_page(tmp_path, write_site(tmp_path, block + extra))


def test_standard_library_only_says_nothing_to_install(tmp_path: Path) -> None:
    text = box(page_with(tmp_path, "import math\n"), LOCK)
    assert "nothing to install" in text
    assert "pip install" not in text
    assert 'href="metrics.ipynb"' in text


def test_a_third_party_import_is_pinned(tmp_path: Path) -> None:
    text = box(page_with(tmp_path, "import numpy\n"), LOCK)
    assert f'pip install "numpy=={LOCK.version("numpy")}"' in text
    assert "clone" not in text


def test_churn_is_installed_from_a_clone(tmp_path: Path) -> None:
    text = box(page_with(tmp_path, "from churn.data import generate\n"), LOCK)
    assert "git clone https://github.com/ds-to-mle/guide" in text
    assert 'pip install "./guide"' in text


def test_excerpts_are_explained_when_the_page_has_one(tmp_path: Path) -> None:
    excerpt = EXCERPT.format(title="snippets/roles/slo.py: x", link="x")
    assert "excerpts" not in box(page_with(tmp_path, "x = 1\n"), LOCK)
    assert "excerpts" in box(page_with(tmp_path, "x = 1\n", excerpt), LOCK)


def test_paths_mirror_the_page() -> None:
    source = DOCS / "roles" / "metrics.md"
    assert source_of("roles/metrics/") == source
    assert source_of("roles/") == DOCS / "roles" / "index.md"
    assert source_of("") == DOCS / "index.md"
    assert fragment_of(source) == DOCS / "includes" / "install" / "roles" / "metrics.md"
    assert include_line(source) == '--8<-- "docs/includes/install/roles/metrics.md"'
