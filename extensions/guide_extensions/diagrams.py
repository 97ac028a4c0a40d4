"""A pymdownx.superfences custom fence that shows a ```mermaid fence's stored SVG.

``python -m tools.diagrams`` (``make diagrams``) draws each fence once per palette
into ``docs/generated/diagrams/<key>.<theme>.svg``; at build, :func:`fence` puts
both renders inline, and the site's CSS shows the one for the reader's palette.
Paths are relative to the folder MkDocs runs in, the repository root, as
pymdownx.snippets' ``base_path`` is.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pymdownx.superfences import SuperFencesException

RENDERS = Path("docs", "generated", "diagrams")
THEMES = ("light", "dark")
COMMAND = "python -m tools.diagrams"


def key(source: str) -> str:
    """A short hash of a diagram's text, blind to trailing spaces and blank ends."""
    lines = [line.rstrip() for line in source.strip().splitlines()]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def render_name(source: str, theme: str) -> str:
    """The file name of the render of ``source`` in ``theme``."""
    return f"{key(source)}.{theme}.svg"


def fence(
    source: str, language: str, css_class: str, options: dict, md: object, **kwargs
) -> str:
    """Superfences formatter: both stored renders of ``source``, inline.

    Raises:
        SuperFencesException: The fence has no render: it is new or was changed
            since ``python -m tools.diagrams`` last ran. Superfences passes this
            error on, so the build fails and says what to run.
    """
    parts = []
    for theme in THEMES:
        path = RENDERS / render_name(source, theme)
        if not path.is_file():
            first = source.strip().splitlines()[0] if source.strip() else "(empty)"
            raise SuperFencesException(
                f"the diagram starting {first!r} has no {theme} render: run `{COMMAND}`"
            )
        svg = path.read_text(encoding="utf-8")
        # Search indexes the text once: the dark render repeats the light one.
        skip = " data-search-exclude" if theme != THEMES[0] else ""
        parts.append(f'<div class="diagram__{theme}"{skip}>{svg}</div>')
    return f'<figure class="{css_class}">{"".join(parts)}</figure>'
