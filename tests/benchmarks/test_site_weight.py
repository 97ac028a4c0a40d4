import gzip
import json
from pathlib import Path

from benchmarks.site_weight import (
    PageWeight,
    kib,
    longest_page,
    markdown,
    most_elements,
    search_index_size,
    source_of,
)


def write_index(site: Path, docs: list[dict[str, str]]) -> None:
    (site / "search").mkdir(parents=True)
    text = json.dumps({"config": {}, "docs": docs})
    (site / "search" / "search_index.json").write_text(text, encoding="utf-8")


def test_longest_page_adds_up_its_sections(tmp_path: Path):
    write_index(
        tmp_path,
        [
            {"location": "", "title": "Home", "text": "x" * 50},
            {"location": "a/", "title": "A", "text": "x" * 20},
            {"location": "a/#one", "title": "One", "text": "x" * 20},
            {"location": "a/#two", "title": "Two", "text": "x" * 20},
        ],
    )
    assert longest_page(tmp_path) == "a/"


def test_search_index_size_on_disk_and_compressed(tmp_path: Path):
    write_index(tmp_path, [{"location": "", "title": "Home", "text": "word " * 500}])
    data = (tmp_path / "search" / "search_index.json").read_bytes()
    raw, compressed = search_index_size(tmp_path)
    assert raw == len(data)
    assert compressed == len(gzip.compress(data, mtime=0)) < raw


def test_report_lists_heaviest_first():
    weights = [
        PageWeight("(home)", 2048, 10, "a.js"),
        PageWeight("b/", 4096, 12, "b.js"),
    ]
    lines = markdown(weights, (10240, 2048)).splitlines()
    assert lines[2] == "| b/ | 4.0 | 12 | b.js |"
    assert lines[3] == "| (home) | 2.0 | 10 | a.js |"
    assert "10.0 KiB on disk, 2.0 KiB compressed" in lines[-1]


def test_kib_rounds_to_one_decimal():
    assert kib(1536) == "1.5"
    assert kib(1024 * 1024) == "1,024.0"


def test_report_marks_pages_over_the_budget():
    weights = [
        PageWeight("(home)", 400 * 1024, 10, "a.js"),
        PageWeight("b/", 600 * 1024, 12, "b.js"),
    ]
    text = markdown(weights, (10240, 2048), budget_kib=500)
    assert "| b/ | 600.0 (over) | 12 | b.js |" in text
    assert "| (home) | 400.0 | 10 | a.js |" in text
    assert "1 of 2 pages over 500 KiB." in text


def test_most_elements_skips_redirect_pages(tmp_path: Path):
    def page(path: str, html: str) -> None:
        (tmp_path / path).mkdir(parents=True, exist_ok=True)
        (tmp_path / path / "index.html").write_text(html, encoding="utf-8")

    page(".", "<html><p>a</p></html>")
    page("long", "<html>" + "<p>a</p>" * 50 + "</html>")
    page("old", '<html><meta http-equiv="refresh">' + "<i></i>" * 99 + "</html>")
    assert most_elements(tmp_path) == "long/"


def test_source_of_finds_pages_notebooks_and_indexes(tmp_path: Path):
    for name in ("index.md", "a/index.md", "a/b.md", "c.ipynb"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert source_of(tmp_path, "") == "index.md"
    assert source_of(tmp_path, "a/") == "a/index.md"
    assert source_of(tmp_path, "a/b/") == "a/b.md"
    assert source_of(tmp_path, "c/") == "c.ipynb"
