from __future__ import annotations

from pathlib import Path

import pytest

from tools.bundle import NAME, main, offline_links


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<a href="../skills/ci-cd/">', '<a href="../skills/ci-cd/index.html">'),
        ('<a href="../x/#y">', '<a href="../x/index.html#y">'),
        ('<a href="..">', '<a href="../index.html">'),
        ('<a href="../..">', '<a href="../../index.html">'),
        ('<a href="./">', '<a href="./index.html">'),
        ('<a href="#part">', '<a href="#part">'),
        ('<script src=""></script>', '<script src=""></script>'),
        ('<a href="">', '<a href="">'),
        ('<a href=".">', '<a href="./index.html">'),
        ('<link href="assets/x.css">', '<link href="assets/x.css">'),
        ('<a href="https://github.com/a/">', '<a href="https://github.com/a/">'),
        ('<a href="mailto:a@b.c">', '<a href="mailto:a@b.c">'),
        ('<a href="//cdn.example/a/">', '<a href="//cdn.example/a/">'),
        ('content="0; url=../runtime/"', 'content="0; url=../runtime/index.html"'),
        (
            'location.href="../runtime/"+(anchor?"#"+anchor:"")',
            'location.href="../runtime/index.html"+(anchor?"#"+anchor:"")',
        ),
    ],
)
def test_a_folder_link_opens_its_index_file(html: str, expected: str) -> None:
    assert offline_links(html) == expected


def test_main_refuses_a_folder_with_no_site(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="no built site"):
        main([str(tmp_path), str(tmp_path / "dist")])


def test_main_bundles_and_zips(tmp_path: Path, capsys) -> None:
    site = tmp_path / "site"
    (site / "roles").mkdir(parents=True)
    (site / "index.html").write_text('<a href="roles/">Roles</a>')
    (site / "roles" / "index.html").write_text('<a href="../">Home</a>')
    main([str(site), str(tmp_path / "dist")])
    folder = tmp_path / "dist" / NAME
    assert (folder / "index.html").read_text() == '<a href="roles/index.html">Roles</a>'
    assert (folder / "roles" / "index.html").read_text() == (
        '<a href="../index.html">Home</a>'
    )
    assert (tmp_path / "dist" / f"{NAME}.zip").is_file()
    assert "wrote" in capsys.readouterr().out
