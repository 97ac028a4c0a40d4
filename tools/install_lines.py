"""Write each page's "Run this page's code" box from what its blocks import.

``python -m tools.install_lines`` (part of ``make update-examples``) builds the
site, reads every page's runnable blocks from the HTML, derives the install
command from their imports and uv.lock, and writes the box to
``docs/includes/install/<page path>.md``, which the page includes above its
first runnable block. Nobody types an install line, so none can drift; the
reader test (tests/reader/) fails when a box disagrees with its page.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from tools.lock import Lock
from tools.pages import Page, notebook_name, site_pages, source_of
from tools.requirements import CLONE_COMMAND, PROJECT, install_command, requirements
from tools.verified import write_libraries

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
FRAGMENTS = DOCS / "includes" / "install"


def fragment_of(source: Path) -> Path:
    """Where the box of the page built from ``source`` is written."""
    return FRAGMENTS / source.relative_to(DOCS)


def include_line(source: Path) -> str:
    """The line a page carries to show its box."""
    return f'--8<-- "{fragment_of(source).relative_to(ROOT).as_posix()}"'


def box(page: Page, lock: Lock) -> str:
    """The admonition that tells a reader how to run this page's code."""
    reqs = requirements(page.script, lock)
    lines = [
        "<!-- Written by `python -m tools.install_lines`; do not edit. -->",
        '!!! tip run-this-page "Run this page\'s code"',
        "",
        "    The Python blocks on this page run top to bottom as one script, in an",
        "    empty folder.",
        "",
    ]
    if any(block.excerpt for block in page.blocks):
        lines[-2:-1] = [
            "    empty folder. Blocks titled with a file's path are excerpts of that",
            "    file, shown for reading; the link under each opens the whole file.",
        ]
    if any(r.name == PROJECT for r in reqs):
        lines += [
            "    The code imports `churn`, the guide's reference system, which you",
            f"    install from a clone of the guide: `{CLONE_COMMAND}`. Then, in a",
            "    new virtual environment, in the folder that holds the clone:",
            "",
        ]
    elif reqs:
        lines += ["    Install what it imports, at the versions the guide tests:", ""]
    if reqs:
        lines += [
            "    ```bash",
            f"    {install_command(reqs, lock)}",
            "    ```",
            "",
        ]
    else:
        lines += ["    It uses only Python's standard library: nothing to install.", ""]
    name = notebook_name(page.url)
    lines += [
        "    Or run it in Jupyter:",
        f'    <a href="{name}" download>{name}</a> holds the same code as cells.',
    ]
    return "\n".join(lines) + "\n"


NOTEBOOK_TAG = "run-this-page"


def notebook_code(path: Path) -> str:
    """The code cells of a notebook, joined as the script they make."""
    notebook = nbformat.read(path, as_version=4)
    cells = [c.source for c in notebook.cells if c.cell_type == "code"]
    return "\n\n".join(cells) + "\n"


def notebook_box(path: Path, lock: Lock) -> str:
    """The Markdown cell that tells a reader what to install for a notebook page."""
    reqs = requirements(notebook_code(path), lock)
    lines = ["**Run this notebook.** Its cells run top to bottom in a fresh kernel."]
    if any(r.name == PROJECT for r in reqs):
        lines += [
            "They import `churn`, the guide's reference system, which you install",
            f"from a clone of the guide: `{CLONE_COMMAND}`. Then, in a new virtual",
            "environment, in the folder that holds the clone:",
        ]
    else:
        lines += ["Install what it imports, at the versions the guide tests:"]
    lines += ["", "```bash", install_command(reqs, lock), "```"]
    return "\n".join(lines)


def write_notebook_boxes(lock: Lock) -> list[Path]:
    """Keep each notebook's tagged install cell, second in the notebook, current."""
    changed = []
    for path in sorted(DOCS.rglob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        text = notebook_box(path, lock)
        tagged = [
            c for c in notebook.cells if NOTEBOOK_TAG in c.metadata.get("tags", [])
        ]
        if tagged and tagged[0].source == text:
            continue
        if tagged:
            tagged[0].source = text
        else:
            cell = nbformat.v4.new_markdown_cell(
                text, metadata={"tags": [NOTEBOOK_TAG]}
            )
            notebook.cells.insert(1, cell)
        nbformat.write(notebook, path)
        changed.append(path)
    return changed


def build(site: Path) -> None:
    """A strict build of the guide into ``site``."""
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=True,
    )


def write_boxes(site: Path, lock: Lock) -> list[Path]:
    """Write the box of every page that includes one; return the files changed."""
    changed = []
    for page in site_pages(site):
        source = source_of(page.url)
        if not source.exists() or include_line(source) not in source.read_text():
            continue
        target = fragment_of(source)
        text = box(page, lock)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            changed.append(target)
    return changed


def main() -> int:
    """Create a missing box for every page that includes one, build, then write all."""
    for source in DOCS.rglob("*.md"):
        if source.is_relative_to(DOCS / "includes"):
            continue
        target = fragment_of(source)
        if not target.exists() and include_line(source) in source.read_text():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("", encoding="utf-8")  # so the first build can include it
    lock = Lock(ROOT / "uv.lock")
    changed = write_notebook_boxes(lock)
    with tempfile.TemporaryDirectory() as folder:
        build(Path(folder))
        changed += write_boxes(Path(folder), lock)
        changed += write_libraries(site_pages(Path(folder)), lock)
    for path in changed:
        print(f"wrote {path.relative_to(ROOT)}")
    print(f"{len(changed)} files changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
