from __future__ import annotations

from pathlib import Path

import pytest

from tools.zensical_report import compare, main, markdown

PAGE = (
    '<html><body><div data-pagefind-body><article><p><abbr title="x">SLO</abbr>'
    '</p><table><tr id="row-a"><td>a</td></tr></table></article></div>'
    '<div id="last-verified"></div></body></html>'
)


def site(root: Path, pages: dict[str, str], files: tuple[str, ...] = ()) -> Path:
    for name, html in {"index.html": PAGE, **pages}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(html, encoding="utf-8")
    for name in files:
        (root / name).write_text("", encoding="utf-8")
    return root


def test_the_same_build_twice_has_no_difference(tmp_path: Path) -> None:
    a = site(tmp_path / "a", {"roles/index.html": PAGE}, ("llms.txt",))
    b = site(tmp_path / "b", {"roles/index.html": PAGE}, ("llms.txt",))
    report = compare(a, b)
    assert report.same
    assert "No difference found." in markdown(report)


def test_pages_and_files_only_one_build_has_are_named(tmp_path: Path) -> None:
    a = site(tmp_path / "a", {"capstone/notebook/index.html": PAGE}, ("llms.txt",))
    b = site(tmp_path / "b", {"extra/index.html": PAGE})
    report = compare(a, b)
    assert report.only_mkdocs == ["capstone/notebook/index.html"]
    assert report.only_zensical == ["extra/index.html"]
    text = markdown(report, "0.0.73")
    assert text.startswith("## Zensical 0.0.73 against MkDocs")
    assert "| `llms.txt` | yes | no |" in text
    assert "Pages Zensical does not build: `capstone/notebook/index.html`." in text


def test_a_part_a_page_lost_is_named_with_the_page(tmp_path: Path) -> None:
    plain = PAGE.replace('<abbr title="x">SLO</abbr>', "SLO")
    a = site(tmp_path / "a", {"roles/index.html": PAGE})
    b = site(tmp_path / "b", {"roles/index.html": plain})
    text = markdown(compare(a, b))
    assert "Fewer glossary tooltips (abbr) with Zensical on 1 pages: " in text
    assert "`roles/index.html`" in text


def test_main_writes_the_summary_and_refuses_a_folder_without_a_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    a, b = site(tmp_path / "a", {}), site(tmp_path / "b", {})
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    main([str(a), str(b)])
    assert "No difference found." in summary.read_text(encoding="utf-8")
    assert "No difference found." in capsys.readouterr().out
    with pytest.raises(SystemExit, match="holds no built site"):
        main([str(a), str(tmp_path / "nothing")])


def test_what_zensical_said_is_quoted_without_its_progress_lines(
    tmp_path: Path, capsys
) -> None:
    a, b = site(tmp_path / "a", {}), site(tmp_path / "b", {})
    log = tmp_path / "zensical.log"
    log.write_text(
        "Build started\nWarning: unknown setting 'validation.nav'\n"
        "No issues found\nBuild finished in 58.08s\n",
        encoding="utf-8",
    )
    main([str(a), str(b), str(log)])
    out = capsys.readouterr().out
    assert "```text\nWarning: unknown setting 'validation.nav'\n```" in out
    assert "Build started" not in out
