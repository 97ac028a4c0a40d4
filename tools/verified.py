"""The "last verified" line: which commit's tests ran a page's code, and with what.

Each page with code says, at its end, the date and commit of the build whose tests
passed and the locked version of every library its code imports. The two halves
come from two places, because they change at different times:

- the libraries, from uv.lock: ``python -m tools.install_lines`` (part of
  ``make update-examples``) writes them into the page's front matter as
  ``verified_with``, and ``tests/site/test_verified.py`` fails when they are not
  what the page's code imports at the locked versions;
- the date and commit, from the build: the Pages workflow runs ``make test`` and
  then builds with ``GUIDE_VERIFIED_COMMIT`` and ``GUIDE_VERIFIED_ON`` set, which
  ``mkdocs.yml`` reads into ``extra.verified``. A build without them (``make
  serve``, a local ``make build``) says it is not verified.

``overrides/partials/source-file.html`` renders the line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from tools.lock import Lock
from tools.pages import Page, source_of
from tools.requirements import PROJECT, requirements

ROOT = Path(__file__).resolve().parent.parent
KEY = "verified_with"
# The guide's own code, imported by the files that pages show excerpts of.
# `churn` is one of them, but it is named: readers install it from a clone.
LOCAL = {"tests", "tools", "benchmarks", "snippets"} | {
    path.name
    for path in (ROOT / "snippets").iterdir()
    if path.is_dir() and path.name != "churn"
}
THE_PROJECT = "the reference system at that commit"
FRONT_MATTER = re.compile(r"\A---\n(?P<body>.*?\n)---\n", re.DOTALL)


def page_code(page: Page) -> str:
    """All the Python a page shows: its runnable blocks and each excerpt's file.

    An excerpt is part of a file that runs whole in the tests, with that file's
    imports; its title names the file (``snippets/churn/serve.py: the schema``).
    """
    parts = [page.script]
    for block in page.blocks:
        if block.language != "python" or not block.excerpt or not block.title:
            continue
        path = ROOT / block.title.partition(":")[0].strip()
        parts.append(path.read_text(encoding="utf-8") if path.is_file() else "")
    return "\n\n".join(parts)


def libraries(code: str, lock: Lock) -> list[str]:
    """Each distribution the code imports, with its locked version, sorted by name.

    Raises:
        UnknownImport: If an import is neither standard library, the guide's own
            code, nor provided by a locked distribution.
    """
    names = [req.name for req in requirements(code, lock, local=LOCAL)]
    found = [f"{name} {lock.version(name)}" for name in names if name != PROJECT]
    return found + ([THE_PROJECT] if PROJECT in names else [])


def has_code(page: Page) -> bool:
    """Whether a page shows any code block, in any language."""
    return bool(page.blocks)


def stated(markdown: str) -> list[str] | None:
    """The libraries a page's front matter says its code was verified with."""
    found = FRONT_MATTER.match(markdown)
    if found is None:
        return None
    for line in found["body"].splitlines():
        if line.startswith(f"{KEY}:"):
            return json.loads(line.partition(":")[2])
    return None


def with_libraries(markdown: str, libs: list[str] | None) -> str:
    """The page's Markdown with its ``verified_with`` line set, or removed if None."""
    line = f"{KEY}: {json.dumps(libs)}\n" if libs is not None else ""
    found = FRONT_MATTER.match(markdown)
    if found is None:
        return f"---\n{line}---\n\n{markdown}" if line else markdown
    kept = [
        f"{entry}\n"
        for entry in found["body"].splitlines()
        if not entry.startswith(f"{KEY}:")
    ]
    return f"---\n{''.join(kept)}{line}---\n{markdown[found.end() :]}"


def write_libraries(pages: list[Page], lock: Lock) -> list[Path]:
    """Set ``verified_with`` on every Markdown page; return the files changed."""
    changed = []
    for page in pages:
        source = source_of(page.url)
        if not source.exists() or source.suffix != ".md":
            continue  # a notebook: its install cell names its versions
        markdown = source.read_text(encoding="utf-8")
        libs = libraries(page_code(page), lock) if has_code(page) else None
        if stated(markdown) != libs:
            source.write_text(with_libraries(markdown, libs), encoding="utf-8")
            changed.append(source)
    return changed
