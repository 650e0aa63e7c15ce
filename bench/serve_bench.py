"""Live-preview latency: edit one programme, time until the change is served over HTTP.

    .venv/bin/python bench/serve_bench.py [--programmes 40] [--runs 5]

Prints the time from saving the file to the changed page being served, for `handbook serve`
on the whole library and for `handbook serve programs/<one>.yaml` (preview one programme).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "bridge-builders.yaml"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode()
    except OSError:
        return ""


def _until(url: str, words: str, timeout: float = 300) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if words in _get(url):
            return time.monotonic() - start
        time.sleep(0.02)
    raise SystemExit(f"timed out waiting for {words!r}")


def measure(n: int, runs: int, only: bool, engine: str = "mkdocs") -> list[float]:
    root = Path(tempfile.mkdtemp(prefix="serve-bench-"))
    try:
        shutil.copy(REPO / "mkdocs.yml", root)
        shutil.copytree(REPO / "guides", root / "guides")
        shutil.copytree(REPO / "theme", root / "theme")
        shutil.copytree(REPO / "tests" / "fixtures" / "guides", root / "guides", dirs_exist_ok=True)
        (root / "programs").mkdir()
        text = FIXTURE.read_text()
        for i in range(n):
            (root / "programs" / f"p{i:03d}.yaml").write_text(text.replace("id: bridge-builders", f"id: p{i:03d}"))
        port = _port()
        args = [sys.executable, "-m", "generator", "serve", "--engine", engine, "--addr", f"127.0.0.1:{port}"]
        if only:
            args.insert(6, "programs/p000.yaml")
        env = {**os.environ, "HANDBOOK_CACHE": str(root / ".cache"), "NO_MKDOCS_2_WARNING": "1"}
        server = subprocess.Popen(args, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        page = f"http://127.0.0.1:{port}/programs/p000/sessions/session-01/"
        try:
            _until(page, "Kick-off")
            times = []
            source = root / "programs" / "p000.yaml"
            for run in range(runs):
                marker = f"Kick-off edit {run}"
                source.write_text(text.replace("id: bridge-builders", "id: p000").replace("title: Kick-off", f"title: {marker}"))
                times.append(_until(page, marker))
            return times
        finally:
            server.terminate()
            server.wait(30)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--programmes", type=int, default=40)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for only in (False, True):
        times = measure(args.programmes, args.runs, only)
        what = "one programme (handbook serve programs/p000.yaml)" if only else "whole library (handbook serve)"
        print(f"{args.programmes} programmes, {what}: edit to served "
              f"median {statistics.median(times):.2f} s, max {max(times):.2f} s  ({', '.join(f'{t:.2f}' for t in times)})")


if __name__ == "__main__":
    main()
