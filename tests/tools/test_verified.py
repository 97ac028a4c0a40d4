"""tools/verified.py and the partial that renders the "last verified" line."""

from __future__ import annotations

from types import SimpleNamespace

import jinja2
import pytest

from tests.paths import ROOT
from tools.lock import Lock
from tools.verified import THE_PROJECT, libraries, stated, with_libraries

PARTIAL = ROOT / "overrides" / "partials" / "source-file.html"


def render(meta: dict[str, object], verified: dict[str, str]) -> str:
    """The partial as MkDocs renders it, for a page with this front matter."""
    template = jinja2.Template(PARTIAL.read_text(encoding="utf-8"))
    config = {"repo_url": "https://example.org/guide", "extra": {"verified": verified}}
    page = SimpleNamespace(meta=meta, nb_url=None)
    return " ".join(template.render(config=config, page=page).split())


def test_a_build_that_ci_did_not_verify_says_so() -> None:
    text = render({"verified_with": ["pandas 3.1.1"]}, {"commit": "", "date": ""})
    assert "Not verified:" in text
    assert "code is tested with pandas 3.1.1." in text
    assert "Last verified" not in text


def test_a_verified_build_names_its_date_and_commit() -> None:
    verified = {"commit": "a" * 40, "date": "2026-02-03"}
    text = render({"verified_with": []}, verified)
    assert 'datetime="2026-02-03"' in text
    assert f'href="https://example.org/guide/commit/{"a" * 40}"' in text
    assert "ran this page's code." in text


def test_a_page_without_the_key_gets_no_line() -> None:
    assert render({"description": "prose only"}, {}) == ""


def test_the_libraries_are_the_locked_versions_of_what_the_code_imports(
    lock: Lock,
) -> None:
    code = "import json\nimport pandas as pd\nfrom churn.data import generate\n"
    code += "from tests.paths import ROOT\nfrom roles.slo import percentile\n"
    assert libraries(code, lock) == [f"pandas {lock.version('pandas')}", THE_PROJECT]


def test_an_import_nothing_provides_is_named(lock: Lock) -> None:
    with pytest.raises(LookupError, match="import nosuchlib"):
        libraries("import nosuchlib\n", lock)


def test_the_front_matter_line_is_set_replaced_and_removed() -> None:
    page = "---\ndescription: A page.\n---\n\n# Title\n"
    first = with_libraries(page, ["pandas 3.1.1"])
    assert first == (
        '---\ndescription: A page.\nverified_with: ["pandas 3.1.1"]\n---\n\n# Title\n'
    )
    assert stated(first) == ["pandas 3.1.1"]
    assert stated(with_libraries(first, [])) == []
    assert with_libraries(first, None) == page
    assert stated(page) is None


def test_a_page_without_front_matter_gets_one() -> None:
    assert with_libraries("# Title\n", []) == "---\nverified_with: []\n---\n\n# Title\n"
    assert with_libraries("# Title\n", None) == "# Title\n"
    assert stated("# Title\n") is None
