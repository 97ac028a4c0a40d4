"""The reader: every page's code, copied from the built HTML, runs as the page says.

For each page of the built site this test does what a reader does: it takes the
text of every runnable Python block as the copy button gives it, saves the blocks
in page order as one script in an empty folder, makes a new virtual environment
holding only what the page's install line names (at the versions of uv.lock, from
uv's cache, offline), and runs the script. Then it runs the page's notebook, the
same code as cells, in a fresh kernel in that environment (plus the Jupyter
kernel a reader's Jupyter brings).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from tests.paths import DOCS, ROOT, SNIPPETS
from tests.reader.venv import Place, environment, run
from tools.install_lines import NOTEBOOK_TAG, notebook_box, notebook_code, source_of
from tools.lock import Lock, Requirement
from tools.pages import Page, notebook_name, read_page
from tools.requirements import CLONE, PROJECT, install_command, requirements

DOCUMENTED = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)

# Pages with no runnable Python, and why: a page that loses its code fails here.
NO_CODE = {
    "": "the home page: what the guide is, and the clone and make commands",
    "contributing/": "how to contribute: make commands and file formats",
    "zensical/": "for contributors: what moving to Zensical would take, in prose",
    "roles/": "the roles part's landing page",
    "roles/at-a-glance/": "the two roles compared in tables",
    "roles/week-in-the-life/": "two working weeks, told",
    "roles/ownership/": "a responsibility matrix",
    "roles/maturity/": "roles by MLOps maturity level, in tables",
    "roles/adjacent-roles/": "the neighbouring roles, compared",
    "roles/skill-gap/": "what to learn, linked to the skills part",
    "skills/": "the skills part's landing page",
    "skills/releases/": "release strategies compared, and the workflow's approval step",
    "production/": "the production part's landing page",
    "capstone/": "the capstone's map of the reference system",
    "capstone/ship/": "the Dockerfile and the workflow: validated by hadolint and "
    "check-jsonschema; Docker cannot run here",
    "capstone/kubernetes/": "the manifests: validated by kubernetes-validate; the "
    "cluster cannot run here",
    "transition/": "the transition part's landing page",
    "transition/roadmap/": "shell commands, run in order by test_roadmap.py",
    "transition/self-assessment/": "a self-assessment form (tests/browser/ checks it)",
    "transition/portfolio/": "a README template and shell commands (test_roadmap.py)",
    "transition/reading-list/": "books and papers",
    "transition/pitfalls/": "mistakes to avoid, in prose",
    "reference/": "the API reference's index",
}


def has_docstring_example(module: Path) -> bool:
    """Whether a module's docstrings hold a Python example (shown on its page)."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    nodes = [tree, *ast.walk(tree)]
    docs = [ast.get_docstring(n) or "" for n in nodes if isinstance(n, DOCUMENTED)]
    return any("```python" in doc for doc in docs)


def reference_without_code(url: str) -> bool:
    """A reference page whose module (or package index) shows no example."""
    if not url.startswith("reference/"):
        return False
    module = SNIPPETS / url.removeprefix("reference/").rstrip("/")
    return module.is_dir() or not has_docstring_example(module.with_suffix(".py"))


def page_urls() -> list[str]:
    """The URL of every Markdown page, from its path under docs/."""
    urls = []
    for source in sorted(DOCS.rglob("*.md")):
        relative = source.relative_to(DOCS)
        if relative.parts[0] in {"includes", "assets"} or "generated" in relative.parts:
            continue
        stem = relative.with_suffix("").as_posix()
        urls.append("" if stem == "index" else stem.removesuffix("index") or stem)
    return [u if u == "" or u.endswith("/") else u + "/" for u in urls]


URLS = page_urls()


def page_of(site: Path, url: str) -> Page:
    return read_page(site, site / url / "index.html")


def parse_install(line: str) -> list[Requirement]:
    """The requirements an install line names, as pip would read them."""
    assert line.startswith("pip install "), line
    reqs = []
    for word in re.findall(r'"([^"]+)"', line):
        name, _, extras = word.partition("==")[0].partition("[")
        name = PROJECT if name == CLONE else name
        reqs.append(
            Requirement(name, tuple(filter(None, extras.rstrip("]").split(","))))
        )
    return reqs


@pytest.mark.parametrize("url", URLS, ids=[u or "home" for u in URLS])
def test_page_runs_as_the_reader_copies_it(
    url: str, reader_site: Path, tmp_path: Path, lock: Lock, place: Place
) -> None:
    page = page_of(reader_site, url)
    if not page.runnable:
        listed = url in NO_CODE or reference_without_code(url)
        assert listed, f"{url}: no runnable Python block; list it in NO_CODE"
        assert page.install_line is None, f"{url}: an install box but no code"
        return
    assert url not in NO_CODE, f"{url} has runnable code: take it off NO_CODE"
    assert not reference_without_code(url), f"{url}: code its module does not show"

    # The box says what to install, and that is what the code imports.
    line = page.install_line
    assert line is not None, f"{url}: no 'Run this page's code' box"
    reqs = requirements(page.script, lock)
    expected = install_command(reqs, lock) if reqs else ""
    assert line == expected, f"{url}: run `python -m tools.install_lines`"
    assert parse_install(line) == reqs if line else not reqs
    assert page.notebook_href == notebook_name(url)

    # The script, in an empty folder, in an environment with only that line.
    work, home = tmp_path / "reader", tmp_path / "home"
    work.mkdir()
    home.mkdir()
    python = place.venv(reqs)
    (work / "page.py").write_text(page.script, encoding="utf-8")
    done = run([str(python), "page.py"], work, environment(home, place.bytecode))
    assert done.returncode == 0, f"{url} failed as a script:\n{done.stderr[-4000:]}"

    # The page's notebook, in a fresh kernel, in the same environment plus Jupyter.
    notebook = page.html_path.parent / notebook_name(url)
    assert notebook.exists(), f"{url}: the page links {notebook.name}, not built"
    done = place.notebook(notebook, python, tmp_path)
    assert done.returncode == 0, f"{url} failed as a notebook:\n{done.stderr[-4000:]}"


NOTEBOOKS = sorted(DOCS.rglob("*.ipynb"))


@pytest.mark.parametrize(
    "source", NOTEBOOKS, ids=[str(p.relative_to(DOCS)) for p in NOTEBOOKS]
)
def test_notebook_page_runs_as_the_reader_downloads_it(
    source: Path, tmp_path: Path, lock: Lock, place: Place
) -> None:
    """A page that is a notebook: its download runs in a kernel in a fresh venv."""
    notebook = nbformat.read(source, as_version=4)
    boxes = [c for c in notebook.cells if NOTEBOOK_TAG in c.metadata.get("tags", [])]
    assert boxes, f"{source.name}: no install cell; run `python -m tools.install_lines`"
    assert boxes[0].source == notebook_box(source, lock), "run tools.install_lines"
    reqs = requirements(notebook_code(source), lock)
    done = place.notebook(source, place.venv(reqs), tmp_path)
    assert done.returncode == 0, f"{source.name} failed:\n{done.stderr[-4000:]}"


def test_every_page_source_is_found() -> None:
    """The URL list mirrors docs/: a refactor that finds no pages must fail."""
    assert len(URLS) > 40
    for url in URLS:
        assert source_of(url).exists(), url
    assert ROOT.joinpath("docs", "roles", "metrics.md").exists()
