"""The glossary defines the terms the pages use, and each use shows it as a tooltip.

docs/includes/abbreviations.md is appended to every page (pymdownx.snippets'
auto_append), and the abbr extension wraps each use of a term in ``<abbr>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from bs4 import BeautifulSoup

from tests.paths import DOCS
from tests.site.build import Build
from tools.pages import site_pages

GLOSSARY = DOCS / "includes" / "abbreviations.md"
ENTRY = re.compile(r"^\*\[([^\]]+)\]: (.+)$", re.MULTILINE)
# Terms the pages used with no definition anywhere (found by reviews and a search of
# the pages' prose for jargon, issue 17). Every other entry is checked the same way.
REQUIRED = [
    "artifact",
    "autoscaler",
    "backfill",
    "backoff",
    "base image",
    "burn rate",
    "canary",
    "challenger",
    "champion",
    "CVE",
    "DevOps",
    "digest",
    "error budget",
    "event loop",
    "feature store",
    "Gateway API",
    "GitOps",
    "golden path",
    "guardrail",
    "HorizontalPodAutoscaler",
    "idempotent",
    "kubeconfig",
    "kubelet",
    "latency budget",
    "least privilege",
    "lineage",
    "LLM",
    "load balancer",
    "lock file",
    "loopback",
    "Luhn check",
    "metadata store",
    "micro-batching",
    "middleware",
    "model card",
    "model registry",
    "multi-stage",
    "NetworkPolicy",
    "non-root",
    "object storage",
    "on-call",
    "OpenAPI",
    "orchestrator",
    "PersistentVolumeClaim",
    "PII",
    "pod",
    "Prometheus",
    "RBAC",
    "replica",
    "ReplicaSet",
    "rolling update",
    "rollout",
    "runbook",
    "sdist",
    "service mesh",
    "SHA",
    "stateless",
    "supply chain",
    "training-serving skew",
]


def glossary() -> dict[str, str]:
    """Each term of the glossary and its meaning."""
    return dict(ENTRY.findall(GLOSSARY.read_text(encoding="utf-8")))


def test_the_glossary_defines_every_required_term_once_in_order() -> None:
    terms = ENTRY.findall(GLOSSARY.read_text(encoding="utf-8"))
    names = [name for name, _ in terms]
    assert set(REQUIRED) <= set(names)
    assert len(names) == len(set(names)), "a term is defined twice"
    assert names == sorted(names, key=str.lower), "keep the glossary sorted"


@dataclass(frozen=True)
class Prose:
    """A page's article as text, and its tooltips: (term, meaning) in page order."""

    url: str
    text: str
    tips: list[tuple[str, str]]


@pytest.fixture(scope="module")
def prose(built_site: Build) -> list[Prose]:
    pages = []
    for page in site_pages(built_site.site):
        article = BeautifulSoup(str(page.article), "html.parser")
        if article.select_one(".jupyter-wrapper"):
            continue  # mkdocs-jupyter renders notebook Markdown without the glossary
        # Code (its title too), and the diagrams (drawn SVG) hold no tooltips; nor do
        # the names of documented objects and the "last verified" line (templates).
        drop = (
            "div.highlight, code, pre, script, style, svg, figure.diagram,"
            " .doc-heading, aside.last-verified"
        )
        for element in article.select(drop):
            element.decompose()
        tips = [(a.get_text(), a.get("title", "")) for a in article.find_all("abbr")]
        text = re.sub(r"\s+", " ", article.get_text())
        pages.append(Prose(page.url, text, tips))
    return pages


@pytest.mark.parametrize("term", sorted(glossary(), key=str.lower))
def test_each_use_of_a_term_shows_its_meaning(prose: list[Prose], term: str) -> None:
    meaning = glossary()[term]
    word = re.compile(rf"\b{re.escape(term)}\b")
    uses = 0
    for page in prose:
        tips = [title for text, title in page.tips if text == term]
        assert all(title == meaning for title in tips), page.url
        # A use inside a longer term (API in Gateway API) shows the longer one's tip.
        inside = sum(len(word.findall(text)) for text, _ in page.tips if text != term)
        found = len(word.findall(page.text)) - inside
        assert found == len(tips), f"{page.url}: {term} without its tooltip"
        uses += found
    assert uses > 0, f"no page uses {term}: drop it from the glossary"
