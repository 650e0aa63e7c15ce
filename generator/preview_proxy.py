"""A live preview's front door, engine-neutral: pages an engine's own preview server sends go
through ``finish`` (their Content-Security-Policy) on their way to the browser.

An engine that serves its output itself, without a hook for our per-page pass, runs on a private
port of this machine; ``serve`` listens where the designer asked and forwards every request there.
HTML answers are finished (``finish(site path, html)``, e.g. ``programs/x/index.html``); everything
else passes through unchanged, WebSocket upgrades (the engine's live reload) as a plain tunnel.
"""

from __future__ import annotations

import http.client
import socket
import socketserver
import threading
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

Finish = Callable[[str, str], str]
Local = Callable[[str], "tuple[bytes, str] | None"]  # site path -> (body, content type) answered here
_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "upgrade"}


def site_path(target: str) -> str:
    """The file a request path names inside the site: '/programs/x/' -> 'programs/x/index.html'."""
    path = unquote(urlsplit(target).path).lstrip("/")
    return path + "index.html" if not path or path.endswith("/") else path


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Handler(socketserver.BaseRequestHandler):
    upstream: tuple[str, int]
    finish_page: Finish
    local: Local | None = None

    def handle(self) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.request.recv(65536)
            if not chunk:
                return
            head += chunk
        end = head.index(b"\r\n\r\n") + 4
        lines = head[:end].decode("latin-1").split("\r\n")
        try:
            method, target, _ = lines[0].split(" ", 2)
        except ValueError:
            return
        headers = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:] if ":" in line]
        if any(name.lower() == "upgrade" and "websocket" in value.lower() for name, value in headers):
            upstream = socket.create_connection(self.upstream)  # live reload: a tunnel, both ways
            upstream.sendall(head)
            back = threading.Thread(target=_pipe, args=(upstream, self.request), daemon=True)
            back.start()
            _pipe(self.request, upstream)
            back.join()
            upstream.close()
            return
        length = next((int(v) for n, v in headers if n.lower() == "content-length" and v.isdigit()), 0)
        body = head[end:]
        while len(body) < length:
            chunk = self.request.recv(65536)
            if not chunk:
                break
            body += chunk
        answer = type(self).local(site_path(target)) if method in ("GET", "HEAD") and type(self).local else None
        if answer is not None:  # e.g. a PDF rendered on demand
            data, kind = answer
            out = ["HTTP/1.1 200 OK", f"Content-Type: {kind}", f"Content-Length: {len(data)}", "Connection: close", "", ""]
            self.request.sendall("\r\n".join(out).encode("latin-1") + (data if method != "HEAD" else b""))
            return
        forwarded = {n: v for n, v in headers if n.lower() not in _HOP | {"host", "accept-encoding"}}
        connection = http.client.HTTPConnection(*self.upstream, timeout=300)  # live reload long-polls
        try:
            connection.request(method, target, body=body or None, headers=forwarded)
            response = connection.getresponse()
            data = response.read()
            kind = response.getheader("Content-Type", "")
            if method == "GET" and "text/html" in kind:
                data = type(self).finish_page(site_path(target), data.decode("utf-8", "replace")).encode("utf-8")
            out = [f"HTTP/1.1 {response.status} {response.reason}"]
            out += [f"{n}: {v}" for n, v in response.getheaders() if n.lower() not in _HOP]
            out += [f"Content-Length: {len(data)}", "Connection: close", "", ""]
        except OSError:  # the engine is restarting or gone
            data = b"The preview is not ready yet; reload in a moment.\n"
            out = ["HTTP/1.1 503 Service Unavailable", "Content-Type: text/plain; charset=utf-8",
                   f"Content-Length: {len(data)}", "Connection: close", "", ""]
        finally:
            connection.close()
        self.request.sendall("\r\n".join(out).encode("latin-1") + (data if method != "HEAD" else b""))


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def pdfs_on_demand(render: Callable[[str], "Path | None"]) -> Local:
    """A ``local`` answer for PDF requests: ``render(site path)`` gives the file, or None to forward."""
    lock = threading.Lock()  # one WeasyPrint at a time: a reader clicking twice waits for the first

    def answer(path: str) -> tuple[bytes, str] | None:
        if not path.endswith(".pdf"):
            return None
        with lock:
            found = render(path)
        return (found.read_bytes(), "application/pdf") if found is not None else None

    return answer


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def serve(addr: str, upstream: tuple[str, int], finish: Finish, local: Local | None = None) -> _Server:
    """Start forwarding ``addr`` ('host:port') to ``upstream`` in a thread; ``.shutdown()`` stops it.
    ``local`` may answer a request itself (a PDF rendered on demand) before it is forwarded."""
    host, _, port = addr.rpartition(":")
    handler = type("Handler", (_Handler,), {"upstream": upstream, "finish_page": staticmethod(finish),
                                            "local": staticmethod(local) if local else None})
    server = _Server((host or "127.0.0.1", int(port)), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
