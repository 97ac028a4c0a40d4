"""Reading a built page: blocks, kinds, install box, notebook link; and bad labels."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reader.test_blocks import block_problems
from tools.pages import notebook_name, read_page, site_pages

BOX = """
<div class="admonition tip run-this-page"><p class="admonition-title">Run</p>
<div class="language-bash highlight"><pre><code>pip install "numpy==2.4.6"
</code></pre></div>
<p><a href="metrics.ipynb" download>metrics.ipynb</a></p></div>
"""
RUNNABLE = (
    '<div class="language-python highlight"><pre><span></span><code>'
    '<span id="__span-0-1"><a href="#l1"></a>x = 1\n</span></code></pre></div>'
)
EXCERPT = (
    '<div class="language-python excerpt highlight">'
    '<span class="filename">{title}</span><pre><code>y = x\n</code></pre></div>'
    '<p><a href="https://github.com/ds-to-mle/guide/blob/main/{link}">whole</a></p>'
)


def write_site(tmp_path: Path, body: str, url: str = "roles/metrics/") -> Path:
    page = tmp_path / url / "index.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(
        f'<html><body><article class="md-content__inner md-typeset">{body}'
        "</article></body></html>"
    )
    (tmp_path / "index.html").write_text(
        '<html><article class="md-content__inner"></article></html>'
    )
    return page


def test_a_page_reads_as_its_runnable_blocks_in_order(tmp_path: Path) -> None:
    excerpt = EXCERPT.format(title="snippets/roles/slo.py: budget", link="x")
    html = write_site(tmp_path, BOX + RUNNABLE + excerpt + RUNNABLE)
    page = read_page(tmp_path, html)
    assert page.url == "roles/metrics/"
    assert [b.language for b in page.blocks] == ["bash", "python", "python", "python"]
    assert [b.excerpt for b in page.blocks] == [False, False, True, False]
    assert page.script == "x = 1\n\nx = 1\n"  # the excerpt is not part of it
    assert page.install_line == 'pip install "numpy==2.4.6"'
    assert page.notebook_href == "metrics.ipynb"


def test_a_box_without_a_command_means_nothing_to_install(tmp_path: Path) -> None:
    box = '<div class="admonition tip run-this-page"><p>stdlib only</p></div>'
    page = read_page(tmp_path, write_site(tmp_path, box + RUNNABLE))
    assert page.install_line == ""
    assert page.notebook_href is None


def test_a_page_without_a_box(tmp_path: Path) -> None:
    page = read_page(tmp_path, write_site(tmp_path, RUNNABLE))
    assert page.install_line is None


def test_a_file_that_is_not_a_material_page_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "index.html"
    path.write_text("<html><body>no article</body></html>")
    with pytest.raises(ValueError, match="no article element"):
        read_page(tmp_path, path)


def test_site_pages_finds_every_page(tmp_path: Path) -> None:
    write_site(tmp_path, RUNNABLE)
    assert [p.url for p in site_pages(tmp_path)] == ["", "roles/metrics/"]


def test_site_pages_leaves_the_print_page_out(tmp_path: Path) -> None:
    write_site(tmp_path, RUNNABLE)
    write_site(tmp_path, RUNNABLE, url="print_page/")
    assert [p.url for p in site_pages(tmp_path)] == ["", "roles/metrics/"]


def test_site_pages_leaves_redirects_out(tmp_path: Path) -> None:
    write_site(tmp_path, RUNNABLE)
    moved = tmp_path / "roles" / "old" / "index.html"
    moved.parent.mkdir()
    moved.write_text('<meta http-equiv="refresh" content="0; url=../metrics/">')
    assert [p.url for p in site_pages(tmp_path)] == ["", "roles/metrics/"]


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("roles/metrics/", "metrics.ipynb"),
        ("roles/", "roles.ipynb"),
        ("", "home.ipynb"),
    ],
)
def test_notebook_names(url: str, name: str) -> None:
    assert notebook_name(url) == name


def labelled(title: str, link: str, tmp_path: Path) -> list[str]:
    html = write_site(tmp_path, EXCERPT.format(title=title, link=link))
    return block_problems(read_page(tmp_path, html).blocks)


def test_a_well_labelled_excerpt_passes(tmp_path: Path) -> None:
    path = "snippets/roles/slo.py"
    assert labelled(f"{path}: the budget", path, tmp_path) == []


@pytest.mark.parametrize(
    ("title", "link", "problem"),
    [
        ("slo.py", "snippets/roles/slo.py", "want '<path>: <which part>'"),
        ("snippets/roles/nope.py: x", "snippets/roles/nope.py", "no such file"),
        ("snippets/roles/slo.py: x", "snippets/roles/other.py", "no link to"),
    ],
)
def test_a_badly_labelled_excerpt_is_named(
    title: str, link: str, problem: str, tmp_path: Path
) -> None:
    (found,) = labelled(title, link, tmp_path)
    assert problem in found


def test_a_titled_block_that_is_not_an_excerpt_is_refused(tmp_path: Path) -> None:
    titled = RUNNABLE.replace("<pre>", '<span class="filename">a.py</span><pre>')
    html = write_site(tmp_path, titled)
    (found,) = block_problems(read_page(tmp_path, html).blocks)
    assert "not an excerpt" in found


def test_an_api_signature_is_not_a_code_block(tmp_path: Path) -> None:
    signature = (
        '<div class="language-python doc-signature highlight"><pre><code>'
        "to_params() -&gt; dict[str, Any]\n</code></pre></div>"
    )
    page = read_page(tmp_path, write_site(tmp_path, signature + RUNNABLE))
    assert page.script == "x = 1\n"
