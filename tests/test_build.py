"""Builds are atomic (old output survives failures and SIGKILL) and reproducible."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import CONTRACT_FILE, copy_handbook, run_handbook


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_failed_build_leaves_previous_output_byte_identical(tmp_path):
    root = copy_handbook(tmp_path / "h", {"bridge-builders": CONTRACT_FILE.read_text()})
    assert run_handbook(root, "build", "--no-pdfs").returncode == 0
    before = snapshot(root / "site")
    # valid programmes, but a guide with a broken link: the engine fails after writing pages
    (root / "guides" / "broken.md").write_text("# Broken\n\nSee [nowhere](missing-page.md).\n")
    run = run_handbook(root, "build", "--no-pdfs")
    assert run.returncode == 1
    assert "previous output in site/ is unchanged" in run.stderr
    assert snapshot(root / "site") == before
    assert not [p for p in root.iterdir() if p.name.startswith(".handbook-staging")]


def test_killed_build_leaves_previous_output_byte_identical(tmp_path):
    root = copy_handbook(tmp_path / "h", {"bridge-builders": CONTRACT_FILE.read_text()})
    env = {**os.environ, "HANDBOOK_CACHE": str(root / ".cache")}
    assert run_handbook(root, "build", "--no-pdfs").returncode == 0
    before = snapshot(root / "site")
    (root / "programs" / "bridge-builders.yaml").write_text(
        CONTRACT_FILE.read_text().replace("title: Kick-off", "title: Kick-off, renamed"))
    process = subprocess.Popen([sys.executable, "-m", "generator", "build", "--jobs", "1"], cwd=root, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until the build is writing its staging folder
        staging = [p for p in root.iterdir() if p.name.startswith(".handbook-staging")]
        if staging and any(staging[0].rglob("*.html")):
            break
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert snapshot(root / "site") == before
    # the next build clears the stale staging folder and succeeds
    assert run_handbook(root, "build", "--no-pdfs").returncode == 0
    assert not [p for p in root.iterdir() if p.name.startswith(".handbook-staging")]
    assert "Kick-off, renamed" in (root / "site" / "programs" / "bridge-builders" / "sessions" / "session-01" / "index.html").read_text()


def test_two_builds_are_byte_identical(tmp_path):
    root = copy_handbook(tmp_path / "h", {"bridge-builders": CONTRACT_FILE.read_text()})
    env = {"SOURCE_DATE_EPOCH": "1767225600"}
    first = run_handbook(root, "build", "--out", "one", env={**env, "HANDBOOK_CACHE": str(tmp_path / "c1")})
    second = run_handbook(root, "build", "--out", "two", env={**env, "HANDBOOK_CACHE": str(tmp_path / "c2")})
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    one, two = snapshot(root / "one"), snapshot(root / "two")
    assert any(name.endswith(".pdf") for name in one)
    assert "search/search_index.json" in one
    assert one == two
    assert b"2026-01-01" in (root / "one" / "sitemap.xml").read_bytes()


def test_tampered_output_is_rebuilt(tmp_path):
    root = copy_handbook(tmp_path / "h", {"bridge-builders": CONTRACT_FILE.read_text()})
    assert run_handbook(root, "build", "--no-pdfs").returncode == 0
    (root / "site" / "index.html").write_text("broken")
    run = run_handbook(root, "build", "--no-pdfs")
    assert run.returncode == 0 and "up to date" not in run.stderr
    assert "Bridge Builders" in (root / "site" / "index.html").read_text()


def test_unchanged_programme_pdfs_come_from_the_cache(tmp_path):
    root = copy_handbook(tmp_path / "h", {"bridge-builders": CONTRACT_FILE.read_text()})
    first = run_handbook(root, "build")
    assert first.returncode == 0 and "PDFs: 6/6 rendered" in first.stderr
    second = run_handbook(root, "build")
    assert second.returncode == 0 and "site/ is up to date" in second.stderr
    (root / "guides" / "training" / "upward.md").write_text("# Upward feedback\n\nNew words.\n")
    after_guide = run_handbook(root, "build")  # the site is rebuilt, the PDFs come from the cache
    assert after_guide.returncode == 0 and "PDFs" not in after_guide.stderr and "up to date" not in after_guide.stderr
    assert "New words." in (root / "site" / "training" / "upward" / "index.html").read_text()
    (root / "programs" / "other.yaml").write_text(CONTRACT_FILE.read_text().replace("id: bridge-builders", "id: other"))
    third = run_handbook(root, "build")
    assert third.returncode == 0 and "PDFs: 6/6 rendered" in third.stderr  # only the new programme's six


def test_pdf_worker_failure_fails_the_build_and_keeps_old_output(tmp_path):
    root = copy_handbook(tmp_path / "h", {"bridge-builders": CONTRACT_FILE.read_text()})
    assert run_handbook(root, "build").returncode == 0
    before = snapshot(root / "site")
    # a broken print template: only the PDF workers notice, after MkDocs has started writing pages
    (root / "theme" / "workbook" / "partials" / "certificate.html.j2").write_text("{{ no_such_variable.oops }}")
    run = run_handbook(root, "build")
    assert run.returncode == 1
    assert "previous output in site/ is unchanged" in run.stderr
    assert snapshot(root / "site") == before


def test_changed_labels_re_render_the_pdfs(tmp_path):
    root = copy_handbook(tmp_path / "h", {"bridge-builders": CONTRACT_FILE.read_text()})
    assert run_handbook(root, "build").returncode == 0
    labels = root / "theme" / "labels" / "en.yaml"
    labels.write_text(labels.read_text().replace("before_meeting: Before the meeting", "before_meeting: Before you meet"))
    run = run_handbook(root, "build")
    assert run.returncode == 0 and "PDFs: 6/6 rendered" in run.stderr


def test_broken_anchor_fails_the_build(tmp_path):
    root = copy_handbook(tmp_path / "h", {"bridge-builders": CONTRACT_FILE.read_text()})
    (root / "guides" / "training" / "upward.md").write_text("# Upward\n\nSee [the missing part](#nowhere).\n")
    run = run_handbook(root, "build", "--no-pdfs")
    assert run.returncode == 1 and "nowhere" in run.stderr
