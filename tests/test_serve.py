"""Live preview as a designer uses it: edit, see it; break the file, see the problem; stop, gone."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import CONTRACT_FILE, copy_handbook


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def _wait_for(url: str, words: str, timeout: float = 120) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if words in _get(url):
            return time.monotonic() - start
        time.sleep(0.1)
    raise AssertionError(f"{words!r} did not appear at {url} within {timeout} s")


@pytest.fixture
def served(tmp_path):
    text = CONTRACT_FILE.read_text(encoding="utf-8")
    programmes = {"bridge-builders": text}
    for i in range(3):  # other programmes in the library, not previewed
        programmes[f"copy-{i}"] = text.replace("id: bridge-builders", f"id: copy-{i}")
    root = copy_handbook(tmp_path / "repo", programmes)
    port = _free_port()
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
    _wait_for(page, "Kick-off")
    assert "copy-0" not in _get(f"{base}/")  # only the previewed programme is built
    source = root / "programs" / "bridge-builders.yaml"
    good = source.read_text(encoding="utf-8")
    source.write_text(good.replace("title: Kick-off", "title: Kick-off, edited"), encoding="utf-8")
    _wait_for(page, "Kick-off, edited")
    # a YAML slip: the browser shows where and how to fix it, on the page the reader was on
    source.write_text(good.replace("version: 1.2.0", "version 1.2.0"), encoding="utf-8")
    _wait_for(page, "The programme files have problems")
    shown = _get(page)
    assert "programs/bridge-builders.yaml:" in shown and "How to fix it" in shown
    source.write_text(good, encoding="utf-8")
    deadline = time.monotonic() + 120
    while "The programme files have problems" in _get(page) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "Find three team channels worth following" in _get(page)  # the session's own content is back
    # stopped by its PID (as a process manager would), the engine goes too and the port is free
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    time.sleep(0.5)
    assert _get(page) == ""
    leftover = subprocess.run(["pgrep", "-f", f"mkdocs serve -f {root}"], capture_output=True, text=True)
    assert leftover.stdout.strip() == ""


def test_serving_an_unknown_programme_is_a_usage_error(tmp_path):
    root = copy_handbook(tmp_path / "repo", {})
    run = subprocess.run([sys.executable, "-m", "generator", "serve", "programs/nope.yaml"], cwd=root,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "no programme file programs/nope.yaml" in run.stderr
