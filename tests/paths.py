"""Where things are, so tests do not depend on the directory pytest starts in."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SNIPPETS = ROOT / "snippets"
MKDOCS_YML = ROOT / "mkdocs.yml"
WORKFLOWS = ROOT / ".github" / "workflows"
