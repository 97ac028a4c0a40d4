"""A page as a notebook: prose as Markdown cells, runnable blocks as code cells."""

from __future__ import annotations

from pathlib import Path

import nbformat

from tests.tools.test_pages import BOX, EXCERPT, RUNNABLE, write_site
from tools.notebooks import main, notebook, write_notebooks
from tools.pages import read_page

TAB = (
    '<div class="tabbed-set"><div class="tabbed-content">'
    '<div class="language-python highlight"><pre><code>z = 3\n</code></pre></div>'
    "</div></div>"
)


def test_cells_follow_the_page_in_order(tmp_path: Path) -> None:
    excerpt = EXCERPT.format(title="snippets/roles/slo.py: budget", link="x")
    body = "<h1>Metrics</h1><p>Why.</p>" + RUNNABLE + "<p>Then</p>" + excerpt + TAB
    page = read_page(tmp_path, write_site(tmp_path, body))
    cells = notebook(page).cells
    assert [c.cell_type for c in cells] == ["markdown", "code", "markdown", "code"]
    assert cells[0].source == "# Metrics\n\nWhy."
    assert cells[1].source == "x = 1"
    # The excerpt stays a fenced block in the prose, so Run all never runs it.
    assert "```python\ny = x" in cells[2].source
    assert "*snippets/roles/slo.py: budget*" in cells[2].source
    assert cells[3].source == "z = 3"  # a block inside a tab is found too


def test_only_pages_with_a_box_and_code_get_a_notebook(tmp_path: Path) -> None:
    write_site(tmp_path, BOX + RUNNABLE)
    write_site(tmp_path, RUNNABLE, url="roles/no-box/")
    written = write_notebooks(tmp_path)
    assert written == [tmp_path / "roles" / "metrics" / "metrics.ipynb"]
    nbformat.validate(nbformat.read(written[0], as_version=4))


def test_the_command_refuses_a_folder_that_is_not_a_site(
    tmp_path: Path, capsys
) -> None:
    assert main([str(tmp_path)]) == 2
    assert "is not a built site" in capsys.readouterr().err


def test_the_command_writes_and_counts(tmp_path: Path, capsys) -> None:
    write_site(tmp_path, BOX + RUNNABLE)
    assert main([str(tmp_path)]) == 0
    assert capsys.readouterr().out.startswith("wrote 1 page notebooks")


def test_an_api_signature_stays_prose(tmp_path: Path) -> None:
    signature = (
        '<div class="language-python doc-signature highlight"><pre><code>'
        "f() -&gt; int\n</code></pre></div>"
    )
    page = read_page(tmp_path, write_site(tmp_path, signature + RUNNABLE))
    assert [c.cell_type for c in notebook(page).cells] == ["markdown", "code"]


def test_a_diagram_becomes_its_title_and_description(tmp_path: Path) -> None:
    from guide_extensions.diagrams import fence

    from tools import diagrams

    figure = fence(
        next(diagrams.find(diagrams.doc_pages())).source, "mermaid", "diagram", {}, None
    )
    page = read_page(tmp_path, write_site(tmp_path, "<p>Why.</p>" + figure + RUNNABLE))
    prose = notebook(page).cells[0].source
    assert prose.startswith("Why.\n\n*Diagram: ")
    assert "<svg" not in prose
    assert "font-family" not in prose
    assert len(prose.splitlines()) == 3  # the paragraph, a blank line, the diagram
