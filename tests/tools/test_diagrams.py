"""tools/diagrams.py: every diagram on a page is drawn, titled and current."""

from __future__ import annotations

from pathlib import Path

import pytest
from guide_extensions.diagrams import fence
from pymdownx.superfences import SuperFencesException

from tests.browser.chromium import require_chromium
from tools import diagrams
from tools.diagrams import THEMES, Diagram, find, key

ALL = list(find(diagrams.doc_pages()))
TINY = "flowchart LR\n  accTitle: Two boxes\n  a[Train] --> b[Serve]\n"


def _name(diagram: Diagram) -> str:
    return f"{diagram.page.relative_to(diagrams.DOCS)}: {diagram.source.split()[0]}"


def test_the_pages_have_diagrams() -> None:
    assert len(ALL) >= 10


@pytest.mark.parametrize("diagram", ALL, ids=[_name(d) for d in ALL])
def test_each_diagram_is_drawn_in_both_palettes(diagram: Diagram) -> None:
    for theme in THEMES:
        path = diagrams.render_path(diagram.source, theme)
        assert path.is_file(), f"{path.name} missing: run `{diagrams.COMMAND}`"
        assert path.read_text().startswith(f'<svg id="diagram-{key(diagram.source)}')


def test_no_render_is_left_without_its_diagram() -> None:
    expected = {diagrams.render_path(d.source, t) for d in ALL for t in THEMES}
    assert set(diagrams.RENDERS.glob("*.svg")) == expected


def test_every_diagram_has_a_title_for_screen_readers() -> None:
    assert diagrams.untitled(ALL) == []
    assert diagrams.untitled([Diagram(Path("x.md"), "flowchart LR\n  a --> b")])


def test_fences_indented_in_an_admonition_are_found(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "!!! note\n\n    ```mermaid\n    flowchart LR\n      a --> b\n    ```\n"
    )
    assert [d.source for d in find([page])] == ["flowchart LR\n  a --> b\n"]


def test_the_key_ignores_trailing_spaces_and_blank_ends() -> None:
    assert key("flowchart LR\n  a --> b  \n\n") == key("\nflowchart LR\n  a --> b")
    assert key("flowchart LR\n  a --> b") != key("flowchart LR\n  a --> c")


def test_an_undrawn_fence_fails_the_build_with_the_command_to_run() -> None:
    with pytest.raises(SuperFencesException, match=r"run `python -m tools\.diagrams`"):
        fence(TINY + "  b --> c\n", "mermaid", "diagram", {}, None)


def test_a_drawn_fence_puts_both_renders_inline() -> None:
    html = fence(ALL[0].source, "mermaid", "diagram", {}, None)
    assert html.startswith('<figure class="diagram"><div class="diagram__light"><svg')
    assert '<div class="diagram__dark" data-search-exclude><svg' in html


def test_render_draws_each_palette_with_its_title() -> None:
    drawn = diagrams.render([TINY], require_chromium())
    assert set(drawn) == {(key(TINY), theme) for theme in THEMES}
    light, dark = drawn[key(TINY), "light"], drawn[key(TINY), "dark"]
    for svg in (light, dark):
        assert "Two boxes</title>" in svg
        assert ">Train<" in svg
        assert ">Serve<" in svg
    assert light != dark


def test_render_names_the_diagram_mermaid_cannot_parse() -> None:
    with pytest.raises(RuntimeError, match="'flowchart LR'"):
        diagrams.render(["flowchart LR\n  a -->"], require_chromium())


def test_write_adds_new_renders_and_drops_unneeded_ones(tmp_path: Path) -> None:
    kept = tmp_path / "keep.light.svg"
    kept.write_text("<svg>kept</svg>")
    (tmp_path / "0123.light.svg").write_text("<svg/>")
    written = diagrams.write({("abcd", "light"): "<svg>new</svg>"}, {kept}, tmp_path)
    assert written == [tmp_path / "abcd.light.svg"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "abcd.light.svg",
        "keep.light.svg",
    ]
    assert kept.read_text() == "<svg>kept</svg>"
