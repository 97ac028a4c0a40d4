import gzip
import json
from pathlib import Path

from benchmarks.site_weight import (
    PageWeight,
    kib,
    longest_page,
    markdown,
    search_index_size,
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
