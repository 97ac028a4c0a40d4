"""The site builds in strict mode, and the build fails on what it must catch."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from tests.paths import ROOT, SNIPPETS
from tests.site.build import SOURCES, Build, build, copy_project


def test_strict_build_passes_without_warnings(built_site: Build) -> None:
    assert built_site.returncode == 0, built_site.log
    assert built_site.warnings == []


def test_every_part_has_a_landing_page(built_site: Build) -> None:
    for part in [
        "roles",
        "skills",
        "production",
        "capstone",
        "transition",
        "reference",
    ]:
        assert (built_site.site / part / "index.html").is_file(), part


def test_glossary_is_appended_as_tooltips(built_site: Build) -> None:
    page = (built_site.site / "roles" / "metrics" / "index.html").read_text()
    assert '<abbr title="Service-level objective' in page


def test_a_marked_fact_renders_as_plain_text(built_site: Build) -> None:
    """tools/facts.py's marks reach the page as a bare span: no styling, no tooltip."""
    page = (built_site.site / "capstone" / "kubernetes" / "index.html").read_text()
    assert '<span data-fact="pod.cpu_request">one core</span> of CPU' in page


def test_reference_is_generated_from_docstrings(built_site: Build) -> None:
    page = (built_site.site / "reference" / "roles" / "slo" / "index.html").read_text()
    assert "nearest-rank percentile" in page
    assert 'id="roles.slo.error_budget"' in page


def test_notebook_is_rendered_with_its_stored_outputs(built_site: Build) -> None:
    page = built_site.site / "production" / "latency-percentiles" / "index.html"
    assert "of pages wait for a p99 request" in page.read_text()


def file_section(path: Path, name: str) -> str:
    """The lines between a file's ``--8<-- [start:name]`` and ``[end:name]`` markers."""
    lines = path.read_text().splitlines()
    start = lines.index(f"# --8<-- [start:{name}]")
    end = lines.index(f"# --8<-- [end:{name}]")
    return "\n".join(lines[start + 1 : end]).rstrip("\n")


def code_blocks(page: str) -> list[str]:
    """The text of every code block on a built page, as a reader copies it."""
    blocks = re.findall(r"<pre[^>]*>.*?<code[^>]*>(.*?)</code></pre>", page, re.S)
    return [
        html.unescape(re.sub(r"<[^>]+>", "", block)).rstrip("\n") for block in blocks
    ]


@pytest.mark.parametrize(
    "sections", [("imports", "percentiles"), ("budget",)], ids=["percentiles", "budget"]
)
def test_included_snippet_is_exactly_the_file_section(
    built_site: Build, sections: tuple[str, ...]
) -> None:
    """A block that includes sections shows exactly them, in order, and nothing else."""
    page = (built_site.site / "roles" / "metrics" / "index.html").read_text()
    slo = SNIPPETS / "roles" / "slo.py"
    expected = "\n\n".join(file_section(slo, name) for name in sections)
    assert expected in code_blocks(page)


Breakage = tuple[str, str, str, str]  # page, text, replacement, expected message

MISSING_INCLUDE: Breakage = (
    "docs/roles/metrics.md",
    '--8<-- "snippets/roles/slo.py:budget"',
    '--8<-- "snippets/roles/missing.py:budget"',
    "Snippet at path 'snippets/roles/missing.py' could not be found",
)
MISSING_ANCHOR: Breakage = (
    "docs/index.md",
    "(roles/index.md)",
    "(roles/index.md#no-such-section)",
    "no-such-section",
)
MISSING_PAGE: Breakage = (
    "docs/index.md",
    "(contributing.md)",
    "(contributing-old.md)",
    "contributing-old.md",
)
# A diagram changed since it was last drawn (tools/diagrams.py) has no render.
UNRENDERED_DIAGRAM: Breakage = (
    "docs/capstone/index.md",
    "monitor -->|drift| train",
    "monitor -->|drift, weekly| train",
    "has no light render: run `python -m tools.diagrams`",
)
# A missing include stops the build at once; link warnings are all collected and
# reported before strict mode fails, so one build proves both (and saves one).
BREAKAGES = {
    "missing include": [MISSING_INCLUDE],
    "missing anchor and page": [MISSING_ANCHOR, MISSING_PAGE],
    "unrendered diagram": [UNRENDERED_DIAGRAM],
}


def included_paths() -> set[str]:
    """Every file a page includes with ``--8<-- "path"`` or ``"path:section"``."""
    pattern = re.compile(r'--8<-- "([^":]+)')
    return {
        match
        for page in (ROOT / "docs").rglob("*.md")
        for match in pattern.findall(page.read_text())
    }


def test_broken_page_builds_copy_every_included_file() -> None:
    # A page that includes a file copy_project leaves behind breaks every case below
    # for the wrong reason ("Snippet at path ... could not be found").
    missing = sorted(
        path for path in included_paths() if path.split("/")[0] not in SOURCES
    )
    assert included_paths()
    assert missing == []


@pytest.mark.parametrize("case", BREAKAGES, ids=list(BREAKAGES))
def test_strict_build_fails_on_a_broken_page(case: str, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    for page, old, new, _ in BREAKAGES[case]:
        text = (project / page).read_text()
        assert old in text, f"{page} no longer contains {old!r}: update this test"
        (project / page).write_text(text.replace(old, new, 1))
    result = build(project, tmp_path / "site")
    assert result.returncode != 0
    for *_, expected in BREAKAGES[case]:
        assert expected in result.log


def test_diagrams_are_inline_svg_with_no_script_to_draw_them(
    built_site: Build,
) -> None:
    page = (built_site.site / "capstone" / "index.html").read_text()
    assert '<figure class="diagram"><div class="diagram__light"><svg' in page
    assert '<div class="diagram__dark" data-search-exclude><svg' in page
    assert "The churn system from data to monitoring</title>" in page
    assert '<pre class="mermaid">' not in page
    assert not list(built_site.site.rglob("mermaid*.js"))


@pytest.mark.parametrize(
    ("package", "path", "marker"),
    [
        ("mermaid", "tools/vendor/mermaid/mermaid.min.js", '"{version}"'),
        (
            "tablesort",
            "docs/assets/vendor/tablesort/tablesort.min.js",
            "tablesort v{version}",
        ),
    ],
)
def test_vendored_files_match_the_pinned_versions(
    package: str, path: str, marker: str
) -> None:
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"][package]
    assert marker.format(version=pinned) in (ROOT / path).read_text(encoding="utf-8")


def test_tables_are_made_sortable_on_every_page(built_site: Build) -> None:
    page = (built_site.site / "roles" / "metrics" / "index.html").read_text()
    assert "assets/vendor/tablesort/tablesort.min.js" in page
    assert "assets/javascripts/tables.js" in page


def test_serve_reloads_when_an_included_snippet_changes() -> None:
    """`mkdocs serve` watches docs/ and mkdocs.yml; pages include snippets/ too."""
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))
    watched = {Path(path).resolve() for path in config["watch"]}
    assert SNIPPETS.resolve() in watched
