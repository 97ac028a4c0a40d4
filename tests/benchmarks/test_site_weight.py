import gzip
from pathlib import Path

from playwright.sync_api import sync_playwright

from benchmarks.site_weight import (
    PageWeight,
    first_load,
    kib,
    longest_page,
    markdown,
    most_elements,
    search_index_size,
    source_of,
)
from tests.browser.chromium import LAUNCH_ARGS, require_chromium
from tests.browser.server import serve


def write_page(site: Path, path: str, html: str) -> None:
    (site / path).mkdir(parents=True, exist_ok=True)
    (site / path / "index.html").write_text(html, encoding="utf-8")


def test_longest_page_counts_the_words_of_its_article(tmp_path: Path):
    write_page(tmp_path, ".", "<nav>" + "menu " * 500 + "</nav><article>a b</article>")
    write_page(tmp_path, "a", "<article><p>" + "word " * 50 + "</p></article>")
    svg = "<svg><style>" + "x " * 900 + "</style></svg>"
    write_page(tmp_path, "b", f"<article>{svg}<p>few words</p></article>")
    assert longest_page(tmp_path) == "a/"


def test_search_index_size_counts_the_index_and_its_entry(tmp_path: Path):
    folder = tmp_path / "pagefind"
    (folder / "fragment").mkdir(parents=True)
    for name, size in [
        ("pagefind.js", 300),
        ("pagefind-entry.json", 20),
        ("wasm.en.pagefind", 500),
        ("pagefind.en_1.pf_meta", 40),
        ("fragment/en_1.pf_fragment", 1000),
        ("pagefind-ui.js", 9999),  # the stock UI, which this site does not load
    ]:
        (folder / name).write_bytes(b"a" * size)
    on_disk, entry = search_index_size(tmp_path)
    assert on_disk == 300 + 20 + 500 + 40 + 1000
    parts = [b"a" * n for n in (300, 20, 500, 40)]
    assert entry == sum(len(gzip.compress(data, mtime=0)) for data in parts)


def test_report_lists_heaviest_first():
    weights = [
        PageWeight("(home)", 2048, 10, "a.js", 80.4),
        PageWeight("b/", 4096, 12, "b.js", 312.6),
    ]
    lines = markdown(weights, (10240, 2048)).splitlines()
    assert lines[2] == "| b/ | 4.0 | 12 | b.js | 313 |"
    assert lines[3] == "| (home) | 2.0 | 10 | a.js | 80 |"
    assert "10.0 KiB on disk, none of it fetched until" in lines[-1]
    assert "fetches 2.0 KiB of entry files" in lines[-1]


def test_kib_rounds_to_one_decimal():
    assert kib(1536) == "1.5"
    assert kib(1024 * 1024) == "1,024.0"


def test_report_marks_pages_over_the_budget():
    weights = [
        PageWeight("(home)", 400 * 1024, 10, "a.js"),
        PageWeight("b/", 600 * 1024, 12, "b.js"),
    ]
    text = markdown(weights, (10240, 2048), budget_kib=500)
    assert "| b/ | 600.0 (over) | 12 | b.js | 0 |" in text
    assert "| (home) | 400.0 | 10 | a.js | 0 |" in text
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


def test_first_load_counts_bytes_requests_and_main_thread_work(tmp_path: Path):
    busy = "for (let i = 0; i < 3e6; i++) Math.sqrt(i);"  # a long task of its own
    write_page(tmp_path, ".", '<html><script src="a.js"></script><p>hi</p></html>')
    (tmp_path / "a.js").write_text(busy * 10)
    chromium = require_chromium()
    with serve(tmp_path) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=LAUNCH_ARGS)
        try:
            weight = first_load(browser, url, "")
        finally:
            browser.close()
    assert weight.page == "(home)"
    assert weight.requests == 2
    assert weight.largest == "a.js"
    assert weight.transferred > len(gzip.compress((busy * 10).encode()))
    # Thirty million square roots take tens of milliseconds on any machine.
    assert weight.main_thread_ms > 10
