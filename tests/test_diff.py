"""``handbook diff``: old → new text of what changed, guides and theme too, and invalid files named as such."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from conftest import CONTRACT_FILE, make_project, run_handbook

GOOD = CONTRACT_FILE.read_text(encoding="utf-8")


def two_folders(tmp_path: Path, new_text: str, guide: str | None = None) -> tuple[Path, Path]:
    old = make_project(tmp_path / "old", {"bridge-builders": GOOD})
    new = make_project(tmp_path / "new", {"bridge-builders": new_text})
    if guide is not None:
        (new / "guides" / "training" / "upward.md").write_text(guide, encoding="utf-8")
    return old, new


def diff_folders(tmp_path: Path, new_text: str, *args: str, guide: str | None = None):
    old, new = two_folders(tmp_path, new_text, guide)
    return run_handbook(tmp_path, "diff", str(old / "programs"), str(new / "programs"), *args)


def test_a_changed_prep_item_shows_its_old_and_new_text(tmp_path):
    text = GOOD.replace("Bring a sample post]", "Bring two sample posts]")
    run = diff_folders(tmp_path, text)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    at = lines.index("bridge-builders session 1: engineer mentor prep changed")
    assert lines[at + 1:at + 3] == ["    - Bring a sample post", "    + Bring two sample posts"]


def test_added_and_removed_items_and_top_level_values(tmp_path):
    text = GOOD.replace("      mentor: [Collect two examples of great updates]",
                        "      mentor: [Collect two examples of great updates, Draft a headline]")
    text = text.replace("  session_minutes: 45", "  session_minutes: 50")
    text = text.replace("summary: Junior engineers show", "summary: Early-career engineers show")
    out = diff_folders(tmp_path, text).stdout
    assert "bridge-builders session 2: engineer mentor prep +1 step\n    + Draft a headline" in out
    assert "bridge-builders schedule.session_minutes changed\n    - 45\n    + 50" in out
    assert ("bridge-builders summary changed\n    - Junior engineers show directors how modern teams work online.\n"
            "    + Early-career engineers show directors how modern teams work online.") in out


def test_a_guide_change_is_reported_with_its_lines(tmp_path):
    guide = (tmp_path / "g.md")
    original = (Path(__file__).parent / "fixtures" / "guides" / "training" / "upward.md").read_text(encoding="utf-8")
    edited = original + "\nName the behaviour, then its effect.\n"
    guide.write_text(edited, encoding="utf-8")
    run = diff_folders(tmp_path, GOOD, guide=edited)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[:3] == [
        "No programme changed.",
        "guide guides/training/upward.md changed",
        "    + Name the behaviour, then its effect.",
    ]
    markdown = diff_folders(tmp_path / "md", GOOD, "--format", "markdown", guide=edited).stdout
    assert "#### Guides and theme" in markdown
    assert "- guide guides/training/upward.md changed: — → `Name the behaviour, then its effect.`" in markdown


def test_a_theme_change_is_reported(tmp_path):
    old, new = two_folders(tmp_path, GOOD)
    for root in (old, new):
        (root / "theme" / "labels").mkdir(parents=True)
        (root / "theme" / "labels" / "en.yaml").write_text("a: b\n", encoding="utf-8")
    (new / "theme" / "labels" / "en.yaml").write_text("a: c\n", encoding="utf-8")
    out = run_handbook(tmp_path, "diff", str(old / "programs"), str(new / "programs")).stdout
    assert "theme file theme/labels/en.yaml changed" in out


def test_markdown_keeps_short_changes_inline_and_folds_long_ones(tmp_path):
    long_step = "Write and publish the first update together, then read it aloud and agree on three improvements " \
                "for next week's post, noting who will do what"
    text = GOOD.replace("Bring a sample post]", "Bring two sample posts]")
    text = text.replace("        step: Write and publish the first update together", f"        step: {long_step}")
    out = diff_folders(tmp_path, text, "--format", "markdown").stdout
    assert out.startswith("### Handbook changes")
    assert "  - session 1: engineer mentor prep changed: `Bring a sample post` → `Bring two sample posts`" in out
    folded = re.search(r"  - session 2: agenda changed \(everyone\)\n    <details><summary>1 line\(s\) before, 1 after"
                       r"</summary>\n\n    ```diff\n    - 45 min: Write and publish the first update together\n"
                       r"    \+ 45 min: (.+)\n    ```\n\n    </details>", out)
    assert folded and folded.group(1) == long_step, out


def _git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True, env=env).stdout


def test_a_file_broken_in_new_is_invalid_not_removed_and_guides_compare_across_revisions(tmp_path):
    root = make_project(tmp_path, {"bridge-builders": GOOD})
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "first")
    (root / "programs" / "bridge-builders.yaml").write_text(GOOD.replace("    title: Kick-off", "    title: Kick: off"),
                                                             encoding="utf-8")
    page = root / "guides" / "training" / "upward.md"
    page.write_text(page.read_text(encoding="utf-8").replace("# Upward feedback", "# Feedback to your manager"),
                    encoding="utf-8")
    _git(root, "commit", "-qam", "second")
    run = run_handbook(root, "diff", "HEAD~1", "HEAD")
    assert run.returncode == 1
    assert "removed" not in run.stdout
    assert ("bridge-builders: invalid in NEW (HEAD): HEAD:programs/bridge-builders.yaml:66: a colon followed by a "
            "space inside the text makes YAML read a second key here") in run.stdout
    assert "guide guides/training/upward.md changed\n    - # Upward feedback\n    + # Feedback to your manager" in run.stdout
    markdown = run_handbook(root, "diff", "HEAD~1", "HEAD", "--format", "markdown").stdout
    assert "⚠️ invalid in NEW (HEAD): HEAD:programs/bridge-builders.yaml:66:" in markdown


def test_nothing_changed(tmp_path):
    run = diff_folders(tmp_path, GOOD)
    assert run.stdout.strip() == "Nothing changed: no programme, guide or theme file."
