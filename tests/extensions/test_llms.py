from __future__ import annotations

from bs4 import BeautifulSoup
from guide_extensions.llms import preprocess

BLOCK = (
    '<div class="language-python highlight"><span class="filename">'
    "snippets/x.py: the part</span><pre><span></span><code>"
    '<span class="n">a</span> = 1\n\n<span class="n">b</span> = 2\n</code></pre></div>'
)
DIAGRAM = (
    '<figure class="diagram"><div><svg><title>Flow</title>'
    "<desc>A goes to B.</desc></svg></div><div><svg><title>Flow</title></svg></div>"
    "</figure>"
)


def prepared(html: str) -> BeautifulSoup:
    soup = BeautifulSoup(html, "html.parser")
    preprocess(soup, "page/index.md")
    return soup


def test_a_code_block_becomes_what_the_copy_button_copies() -> None:
    soup = prepared(BLOCK)
    pre = soup.find("pre")
    assert pre["class"] == ["language-python"]
    assert pre.get_text() == "a = 1\n\nb = 2\n"
    assert soup.find("p").get_text() == "snippets/x.py: the part (excerpt):"


def test_a_diagram_becomes_its_title_and_description() -> None:
    soup = prepared(DIAGRAM)
    assert soup.find("svg") is None
    assert soup.get_text() == "Diagram: Flow. A goes to B."


def test_the_plugins_clean_up_still_runs() -> None:
    soup = prepared('<h2>Hi<a class="headerlink" href="#hi">¶</a></h2>')
    assert soup.find("a") is None
