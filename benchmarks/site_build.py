"""How much the guide's plugins and extensions cost: full strict build vs theme only."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from benchmarks.timing import Result, interleaved

ROOT = Path(__file__).resolve().parent.parent

# The same Markdown with only the theme: no plugins, no extensions, not strict
# (includes and notebooks are not processed, so links to them may warn).
THEME_ONLY = """\
site_name: theme-only baseline
docs_dir: {docs}
theme:
  name: material
  font: false
plugins: []
"""


def run(repeats: int = 3) -> Result:
    """Time `mkdocs build --strict` against a theme-only build of the same docs."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "mkdocs.yml"
        config.write_text(THEME_ONLY.format(docs=ROOT / "docs"))
        mkdocs = [sys.executable, "-m", "mkdocs", "build", "--quiet"]
        full = [*mkdocs, "--strict", "--site-dir", f"{tmp}/full"]
        bare = [*mkdocs, "--config-file", str(config), "--site-dir", f"{tmp}/bare"]
        times, baseline_times = interleaved(
            full, bare, repeats=repeats, cwd=ROOT, env=env
        )
    return Result("strict site build", times, "theme-only build", baseline_times)
