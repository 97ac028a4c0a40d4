"""The guide as a folder that opens from the file system: the offline bundle.

``python -m tools.bundle site dist`` (``make bundle``, after ``make build``) copies
the built site and makes its links work without a server. The site links pages
by folder (``../skills/ci-cd/``), which a server answers with the folder's
``index.html`` but a browser opening files shows as a folder listing; the bundle
links the ``index.html`` itself. Material already leaves instant navigation off
on ``file://`` pages. Search does not work from disk (Pagefind loads as a
module, which browsers refuse on ``file://``); the search box says so, and
README.txt says how to serve the folder. The bundle is zipped as
``dist/guide-offline.zip``; the Pages workflow attaches it to each release.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

NAME = "guide-offline"
# A relative link to a folder: "../skills/ci-cd/", "./", "..", with an anchor or not.
FOLDER_LINK = re.compile(
    r'(?P<attr>\b(?:href|src)=")(?P<path>(?![a-z][a-z0-9+.-]*:|/|#)[^"#?]*)'
    r'(?P<rest>[#?][^"]*)?"'
)
# mkdocs-redirects' pages send the reader on with a meta refresh and a script.
REDIRECT = re.compile(r'(?P<head>url=|location\.href=")(?P<path>[^"#;]*/)(?=[";+])')
README = """\
From Data Scientist to ML Engineer: the guide, offline

Open index.html in a browser. Every page, its code and its diagrams work from
disk, with no network and no server.

Search needs the folder served, because browsers do not run its index from
disk. In this folder, run

    python3 -m http.server

and open http://localhost:8000/. print_page/index.html is the whole guide on
one page, to print or save as a PDF.
"""


def _as_file(path: str) -> str:
    """A folder link as a link to its index.html; any other link as it was."""
    if path.endswith("/") or path.rsplit("/", 1)[-1] in {".", ".."}:
        return path.rstrip("/") + "/index.html"
    return path


def offline_links(html: str) -> str:
    """A page's HTML with every relative link to a folder pointing at its index.html."""

    def folder(match: re.Match[str]) -> str:
        # "", "#anchor", "?query": this page. An empty src stays empty: made
        # "index.html", a script would load the page and fail on its first "<".
        if match["path"] == "":
            return match[0]
        return f'{match["attr"]}{_as_file(match["path"])}{match["rest"] or ""}"'

    html = FOLDER_LINK.sub(folder, html)
    return REDIRECT.sub(lambda m: f"{m['head']}{m['path']}index.html", html)


def bundle(site: Path, dist: Path) -> Path:
    """Copy ``site`` into ``dist/guide-offline/``, relink it, zip it; return the zip."""
    folder = dist / NAME
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(site, folder)
    for page in folder.rglob("*.html"):
        page.write_text(offline_links(page.read_text(encoding="utf-8")), "utf-8")
    (folder / "README.txt").write_text(README, encoding="utf-8")
    archive = shutil.make_archive(str(dist / NAME), "zip", dist, NAME)
    return Path(archive)


def main(argv: list[str] | None = None) -> None:
    """Bundle the site given for use from disk: ``site dist``."""
    site, dist = map(Path, sys.argv[1:] if argv is None else argv)
    if not (site / "index.html").is_file():
        raise SystemExit(f"{site} holds no built site: run `make build` first")
    print(f"wrote {bundle(site, dist)}")


if __name__ == "__main__":
    main()
