"""A local threaded HTTP server for one folder on 127.0.0.1 (the sample portal, crawl tests).

    with serve(folder) as base_url:   # e.g. http://127.0.0.1:53817/
        httpx.get(base_url + "xxgk/ndbg/index.html")
"""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote, urlsplit


class QuietHandler(SimpleHTTPRequestHandler):
    """Static files without a log line per request. A URL with a query string is served from
    the file named with it (`index.php?page=2`), as the styled sample portals write them.
    Connections are kept alive between requests, as a portal's web server keeps them."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
        pass

    def translate_path(self, path: str) -> str:
        plain = super().translate_path(path)
        query = urlsplit(path).query
        if query and os.path.isfile(f"{plain}?{unquote(query)}"):
            return f"{plain}?{unquote(query)}"
        return plain

    def guess_type(self, path) -> str:
        base = str(path).split("?", 1)[0]
        if base.endswith((".php", ".jsp", ".aspx")):
            return "text/html"
        return super().guess_type(base)


def start(folder: str | Path, port: int = 0) -> ThreadingHTTPServer:
    """A running server for `folder` (port 0: any free port); stop it with `.shutdown()`."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"no such folder: {folder}")
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(QuietHandler, directory=str(folder)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name=f"serve:{folder.name}", daemon=True).start()
    return server


def base_url(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}/"


@contextmanager
def serve(folder: str | Path, port: int = 0) -> Iterator[str]:
    server = start(folder, port)
    try:
        yield base_url(server)
    finally:
        server.shutdown()
        server.server_close()
