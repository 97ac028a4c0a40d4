"""Markdown extensions for the guide's MkDocs build (see mkdocs.yml)."""
