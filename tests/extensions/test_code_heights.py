from __future__ import annotations

import markdown
from guide_extensions.code_heights import lines

EXTENSIONS = [
    "pymdownx.superfences",
    "pymdownx.highlight",
    "guide_extensions.code_heights",
]


def html(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


def test_each_block_carries_its_line_count() -> None:
    page = html("```python\na = 1\nb = 2\n```\n\ntext\n\n```bash\nls\n```\n")
    assert page.count('style="--lines: 2"') == 1
    assert page.count('style="--lines: 1"') == 1


def test_a_titled_block_is_counted_by_its_code_not_its_title() -> None:
    page = html('```{.python title="a.py"}\nx = 1\n```\n')
    assert '<span class="filename">a.py</span>' in page
    assert 'style="--lines: 1"' in page


def test_other_divs_are_left_alone() -> None:
    other = '<div class="md-copyright__highlight">x</div>'
    table = '<div class="highlighttable">y</div>'
    page = html(f"{other}\n\n{table}\n")
    assert "--lines" not in page


def test_lines_count_the_last_line_with_or_without_its_newline() -> None:
    assert lines("a\nb\n") == 2
    assert lines("a\nb") == 2
    assert lines('<span class="n">a</span>') == 1
