"""Live preview as a designer uses it: edit, see it; break the file, see the problem; stop, gone."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from browsing import free_port, http_text, wait_for_text
from conftest import CONTRACT_FILE, copy_handbook


@pytest.fixture
def served(tmp_path):
    text = CONTRACT_FILE.read_text(encoding="utf-8")
    programmes = {"bridge-builders": text}
    for i in range(3):  # other programmes in the library, not previewed
        programmes[f"copy-{i}"] = text.replace("id: bridge-builders", f"id: copy-{i}")
    root = copy_handbook(tmp_path / "repo", programmes)
    port = free_port()
    env = {**os.environ, "HANDBOOK_CACHE": str(root / ".cache")}
    process = subprocess.Popen([sys.executable, "-m", "generator", "serve", "programs/bridge-builders.yaml",
                                "--addr", f"127.0.0.1:{port}"], cwd=root, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    yield root, f"http://127.0.0.1:{port}", process
    if process.poll() is None:
        process.kill()
        process.wait()


def test_edit_shows_problem_page_recovers_and_stopping_stops_the_engine(served):
    root, base, process = served
    page = f"{base}/programs/bridge-builders/sessions/session-01/"
    wait_for_text(page, "Kick-off")
    assert "copy-0" not in http_text(f"{base}/")  # only the previewed programme is built
    # the Downloads page links every PDF; following a link renders that one PDF there and then
    import re

    downloads = http_text(f"{base}/programs/bridge-builders/downloads/")
    links = re.findall(r'href="([^"]+\.pdf)"', downloads)
    assert len(links) >= 3, downloads[:2000]
    started = time.monotonic()
    with urllib.request.urlopen(f"{base}/programs/bridge-builders/downloads/{links[0]}", timeout=120) as response:
        pdf = response.read()
        assert response.headers["Content-Type"] == "application/pdf"
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000
    print(f"first PDF on demand: {time.monotonic() - started:.1f} s")
    source = root / "programs" / "bridge-builders.yaml"
    good = source.read_text(encoding="utf-8")
    source.write_text(good.replace("title: Kick-off", "title: Kick-off, edited"), encoding="utf-8")
    wait_for_text(page, "Kick-off, edited")
    # a YAML slip: the browser shows where and how to fix it, on the page the reader was on
    source.write_text(good.replace("version: 1.2.0", "version 1.2.0"), encoding="utf-8")
    wait_for_text(page, "The programme files have problems")
    shown = http_text(page)
    assert "programs/bridge-builders.yaml:" in shown and "How to fix it" in shown
    source.write_text(good, encoding="utf-8")
    deadline = time.monotonic() + 120
    while "The programme files have problems" in http_text(page) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "Find three team channels worth following" in http_text(page)  # the session's own content is back
    # stopped by its PID (as a process manager would), the engine goes too and the port is free
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    time.sleep(0.5)
    assert http_text(page) == ""
    leftover = subprocess.run(["pgrep", "-f", f"mkdocs serve -f {root}"], capture_output=True, text=True)
    assert leftover.stdout.strip() == ""


def test_serving_an_unknown_programme_is_a_usage_error(tmp_path):
    root = copy_handbook(tmp_path / "repo", {})
    run = subprocess.run([sys.executable, "-m", "generator", "serve", "programs/nope.yaml"], cwd=root,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "no programme file programs/nope.yaml" in run.stderr


def _policy(html: str) -> dict[str, set[str]]:
    import re

    found = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    assert found is not None, html[:500]
    return {name: set(values) for name, *values in (d.split() for d in found.group(1).split("; "))}


def test_zensical_preview_pages_carry_the_built_pages_policy(tmp_path):
    """`zensical serve` sends the pages it writes without our per-page pass: our front door gives each
    the policy a built page has, plus the hash of the live-reload script Zensical adds (and lets
    its WebSocket through); an edit shows, and stopping stops Zensical."""
    from conftest import run_handbook, zensical_installed
    from generator.csp import script_hashes

    if not zensical_installed():
        pytest.skip("Zensical is installed by 'make test' (pip install -e '.[zensical]')")
    root = copy_handbook(tmp_path / "repo", {"bridge-builders": CONTRACT_FILE.read_text(encoding="utf-8")})
    built = run_handbook(root, "build", "--engine", "zensical", "--out", "out", "--no-pdfs")
    assert built.returncode == 0, built.stderr
    rel = "programs/bridge-builders/sessions/session-01/"
    built_policy = _policy((root / "out" / rel / "index.html").read_text(encoding="utf-8"))
    port = free_port()
    env = {**os.environ, "HANDBOOK_CACHE": str(root / ".cache")}
    process = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--engine", "zensical",
                                "programs/bridge-builders.yaml", "--addr", f"127.0.0.1:{port}"], cwd=root, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        page = f"http://127.0.0.1:{port}/{rel}"
        wait_for_text(page, "Kick-off")
        html = http_text(page)
        served = _policy(html)
        assert "WebSocket" in html  # Zensical's live reload, added to each page as it is served
        assert set(script_hashes(html)) <= served["script-src"]
        assert {k: v for k, v in served.items() if k != "script-src"} == \
               {k: v for k, v in built_policy.items() if k != "script-src"}
        assert len(served["script-src"] - built_policy["script-src"]) == 1  # the live-reload script only
        pdf = urllib.request.urlopen(f"http://127.0.0.1:{port}/programs/bridge-builders/downloads/"
                                     "bridge-builders-mentor-session-sheets.pdf", timeout=120).read()
        assert pdf.startswith(b"%PDF")  # rendered on demand, as with MkDocs
        with socket.create_connection(("127.0.0.1", port), timeout=10) as ws:  # the live reload's WebSocket
            ws.sendall(f"GET /{rel} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                       "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                       "Sec-WebSocket-Version: 13\r\n\r\n".encode())
            assert ws.recv(100).startswith(b"HTTP/1.1 101")
        source = root / "programs" / "bridge-builders.yaml"
        source.write_text(source.read_text(encoding="utf-8").replace("title: Kick-off", "title: Kick-off, edited"),
                          encoding="utf-8")
        wait_for_text(page, "Kick-off, edited")
        assert _policy(http_text(page))["default-src"] == {"'none'"}
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) in (0, 130)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    time.sleep(0.5)
    assert http_text(page) == ""
    leftover = subprocess.run(["pgrep", "-f", f"zensical serve -f {root}"], capture_output=True, text=True)
    assert leftover.stdout.strip() == ""
