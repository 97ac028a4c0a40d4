"""Serve a built site on loopback under its deployed path, as GitHub Pages would."""

from __future__ import annotations

import gzip
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

# Text is sent compressed, as GitHub Pages sends it: measured bytes match a reader's.
TEXT = {".html", ".css", ".js", ".json", ".xml", ".svg", ".txt"}


class _Handler(SimpleHTTPRequestHandler):
    """Serve ``directory`` at ``prefix``; anything outside the prefix is a 404."""

    def __init__(
        self, *args: object, prefix: str, directory: str, sitemap: dict[str, str]
    ) -> None:
        self.prefix = prefix
        self.sitemap = sitemap
        super().__init__(*args, directory=directory)  # type: ignore[arg-type]

    def translate_path(self, path: str) -> str:
        if not urlsplit(path).path.startswith(self.prefix):
            return str(Path(self.directory) / "404 outside the site")
        return super().translate_path("/" + path[len(self.prefix) :])

    def send_head(self) -> BinaryIO | None:
        path = Path(self.translate_path(self.path))
        if path.is_dir() and urlsplit(self.path).path.endswith("/"):
            path = path / "index.html"
        if path.suffix not in TEXT or not path.is_file():
            return super().send_head()  # redirects, 404s and binary files
        body = path.read_bytes()
        if path.name == "sitemap.xml" and self.sitemap:
            deployed, local = self.sitemap["deployed"], self.sitemap["local"]
            body = body.replace(deployed.encode(), local.encode())
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        if "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, mtime=0)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: the browser records every request the tests care about."""


@contextmanager
def serve(site: Path, prefix: str = "/", site_url: str = "") -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 at a free port, stopping the server on exit.

    Material's instant navigation only follows links listed in sitemap.xml, matching
    them by scheme, host and port; the sitemap names the deployed site, so the server
    rewrites ``site_url`` in it to the local address, as ``mkdocs serve`` does.

    Args:
        site: The built site folder.
        prefix: The path the site is deployed under, e.g. ``/guide/``.
        site_url: The deployed site's URL as in mkdocs.yml, to rewrite in the sitemap.

    Yields:
        The site's root URL, e.g. ``http://127.0.0.1:41234/guide/``.
    """
    sitemap: dict[str, str] = {}
    handler = partial(_Handler, prefix=prefix, directory=str(site), sitemap=sitemap)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    host, port = server.server_address[:2]
    root = f"http://{host}:{port}{prefix}"
    if site_url:
        sitemap.update(deployed=site_url, local=root)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
