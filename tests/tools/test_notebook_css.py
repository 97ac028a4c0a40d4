from __future__ import annotations

from pathlib import Path

from tests.paths import DOCS
from tests.site.build import Build
from tools.notebook_css import (
    STYLE,
    STYLESHEET,
    WRAPPER,
    drop_unused_variables,
    main,
    notebook_pages,
    trim,
    without_styles,
)
from tools.pages import PRINT_PAGE


def test_a_rule_stays_only_if_the_pages_carry_every_class_it_needs() -> None:
    css = ".a .b{color:red}.a .gone{color:blue}.gone,.b{margin:0}p{padding:0}"
    assert trim(css, {"a", "b"}) == ".a .b{color:red}\n.gone,.b{margin:0}\np{padding:0}"


def test_a_class_the_selector_rules_out_is_not_needed() -> None:
    assert trim(".a:not(.gone){color:red}", {"a"}) == ".a:not(.gone){color:red}"


def test_root_after_a_combinator_matches_nothing() -> None:
    css = ".w :root{--x:1}:root{--y:2}.w:root{--z:3}"
    assert trim(css, {"w"}) == ":root{--y:2}"


def test_groups_are_trimmed_inside_and_dropped_when_empty() -> None:
    css = "@media print{.gone{color:red}}@media (min-width:1px){.a{color:red}}"
    assert trim(css, {"a"}) == "@media (min-width:1px){.a{color:red}}"


def test_of_two_identical_rules_the_later_is_kept() -> None:
    css = ".a{color:red}.a{color:blue}.a{color:red}"
    assert trim(css, {"a"}) == ".a{color:blue}\n.a{color:red}"


def test_a_variable_is_kept_when_something_reads_it_even_through_another() -> None:
    css = ".a{--jp-x:1px;--jp-y:var(--jp-x);--jp-z:2px;--md-k:3px;margin:var(--jp-y)}"
    assert (
        drop_unused_variables(css)
        == ".a{--jp-x:1px;--jp-y:var(--jp-x);--md-k:3px;margin:var(--jp-y)}"
    )


def test_a_variable_a_page_reads_inline_is_kept() -> None:
    css = ".a{--jp-x:1px;--jp-z:2px}"
    page = '<div style="margin: var(--jp-x)">'
    assert drop_unused_variables(css, page) == ".a{--jp-x:1px}"


def test_the_styles_move_out_of_the_page_into_one_linked_file(
    tmp_path: Path, capsys
) -> None:
    site = tmp_path / "site"
    (site / "nb").mkdir(parents=True)
    (site / "assets" / "stylesheets").mkdir(parents=True)
    page = site / "nb" / "index.html"
    page.write_text(
        f"<html><head></head><body>{WRAPPER}<style>.jp-A{{color:red}}.jp-B{{x:y}}"
        '</style><p class="jp-A">hi</p></div></body></html>'
    )
    assert main([str(site)]) == 0
    html = page.read_text()
    assert "<style" not in html
    assert '<link rel="stylesheet" href="../assets/stylesheets/jupyter.css">' in html
    assert (site / STYLESHEET).read_text() == ".jp-A{color:red}\n"
    assert "1 notebook pages share" in capsys.readouterr().out


def test_the_built_notebook_pages_link_the_file_and_nothing_outside(
    built_site: Build,
) -> None:
    pages = notebook_pages(built_site.site)
    # Each notebook, and the print page, which holds them too; no other page.
    printed = built_site.site / PRINT_PAGE / "index.html"
    assert printed in pages
    assert len(pages) == len(list(DOCS.rglob("*.ipynb"))) + 1
    for page in pages:
        html = page.read_text(encoding="utf-8")
        inline = STYLE.findall(html.split("<body", 1)[1])
        if page == printed:  # the diagrams' own styles stay; JupyterLab's go
            assert not any("--jp-" in style for style in inline), page
        else:
            assert inline == [], page
        assert "cdnjs" not in html, f"{page} loads a script from a CDN"
        assert "jupyter.css" in html, page
    # JupyterLab's whole stylesheet is about 575 KB; what the pages use, under 30.
    size = (built_site.site / STYLESHEET).stat().st_size
    assert size < 64 * 1024, f"{STYLESHEET} is {size} bytes: what grew it?"


def test_the_print_page_loses_only_the_notebooks_styles() -> None:
    html = (
        "<head></head><body><style>.jp-Cell{}</style><p>x</p>"
        "<svg><style>#d1 .node{}</style></svg></body>"
    )
    kept = without_styles(html, {".jp-Cell{}"})
    assert ".jp-Cell" not in kept
    assert "<style>#d1 .node{}</style>" in kept
