"""The notebook pages look as mkdocs-jupyter drew them, with a fraction of its CSS.

tools/notebook_css.py replaces the stylesheet mkdocs-jupyter writes into each
notebook page with one shared file trimmed to what the pages can use. This test
puts the untrimmed styles back into the page, where the shared file was linked,
and compares every element's computed style, property by property, both ways.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs_jupyter.nbconvert2 import nb2html

from tests.browser.conftest import OpenContext
from tests.paths import DOCS
from tools.notebook_css import STYLE, STYLESHEET

NOTEBOOKS = sorted(DOCS.rglob("*.ipynb"))

# Every element of the notebook, each as its computed style, a line a property.
# Custom properties (--jp-...) are left out: the trimmed file drops those nothing
# reads, and what they did shows in the properties that read them.
STYLES = """() => Array.from(
  document.querySelectorAll('.jupyter-wrapper, .jupyter-wrapper *'),
  element => {
    const style = getComputedStyle(element);
    return Array.from(style)
      .filter(name => !name.startsWith('--'))
      .map(name => name + ':' + style.getPropertyValue(name))
      .join('\\n');
  })"""

# Swap the shared, trimmed file for the untrimmed styles, at the same place.
UNTRIMMED = """([href, blocks]) => {
  const link = document.querySelector(`link[href$="${href}"]`);
  for (const css of blocks) {
    const style = document.createElement('style');
    style.textContent = css;
    link.before(style);
  }
  link.remove();
}"""


def untrimmed_styles(notebook: Path) -> list[str]:
    """The styles mkdocs-jupyter writes into the page, as mkdocs.yml configures it."""
    body = nb2html(str(notebook), execute=False, theme="", allow_errors=False)
    return [match[1] for match in STYLE.finditer(body)]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_element_is_styled_as_with_the_whole_stylesheet(
    open_context: OpenContext, site_url: str, notebook: Path, scheme: str
) -> None:
    context, recorder = open_context(color_scheme=scheme)
    page = context.new_page()
    url = notebook.relative_to(DOCS).with_suffix("").as_posix() + "/"
    page.goto(site_url + url)
    page.wait_for_load_state("networkidle")
    assert page.locator("article style").count() == 0  # nothing left inline
    shown = page.evaluate("document.body.dataset.mdColorScheme")
    assert shown == {"light": "default", "dark": "slate"}[scheme]
    trimmed = page.evaluate(STYLES)
    assert len(trimmed) > 100, "the notebook did not render"
    page.evaluate(UNTRIMMED, [STYLESHEET, untrimmed_styles(notebook)])
    whole = page.evaluate(STYLES)
    differ = [i for i, (a, b) in enumerate(zip(trimmed, whole, strict=True)) if a != b]
    assert differ == [], (
        f"{len(differ)} elements differ, e.g. {_first(trimmed, whole, differ)}"
    )
    assert recorder.console_errors == []


def _first(trimmed: list[str], whole: list[str], differ: list[int]) -> str:
    """The properties that differ on the first element that differs."""
    a, b = (set(styles[differ[0]].split("\n")) for styles in (trimmed, whole))
    return f"trimmed {sorted(a - b)[:5]}, whole {sorted(b - a)[:5]}"
