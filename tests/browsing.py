"""What browser and HTTP tests share: Debian's Chromium and its flags, a local HTTP server for a
built site, and the small client helpers that poll a live preview."""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
needs_chromium = pytest.mark.skipif(CHROMIUM is None,
                                    reason="Chromium is installed by 'make test' (apt-get install chromium)")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """A built site served over HTTP on a free local port; yields its base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_text(url: str) -> str:
    """The page at ``url`` as text; '' when nothing answers (yet)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def wait_for_text(url: str, words: str, timeout: float = 120) -> float:
    """Seconds until the page at ``url`` holds ``words``."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if words in http_text(url):
            return time.monotonic() - start
        time.sleep(0.1)
    raise AssertionError(f"{words!r} did not appear at {url} within {timeout} s")
