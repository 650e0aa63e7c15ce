"""Programme designers' workflow: scaffolds, schema, calendars, diffs and published editions."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from icalendar import Calendar

from conftest import CONTRACT_FILE, REPO, copy_handbook, make_project, run_handbook
from generator.cli import main
from generator.model import json_schema
from generator.scaffold import PRESETS
from generator.validate import load_programmes


@pytest.mark.parametrize("model", sorted(PRESETS))
def test_scaffold_for_every_model_validates_as_written(tmp_path, monkeypatch, model):
    root = make_project(tmp_path)
    monkeypatch.chdir(root)
    assert main(["new", "my-programme", "--model", model]) == 0
    _, problems = load_programmes([root / "programs"], guides_dir=root / "guides", root=root)
    assert problems == []
    text = (root / "programs" / "my-programme.yaml").read_text()
    assert f"model: {model}" in text and text.startswith("# yaml-language-server: $schema=")


def test_scaffold_refuses_to_overwrite(tmp_path, monkeypatch):
    root = make_project(tmp_path, {"bridge-builders": CONTRACT_FILE.read_text()})
    monkeypatch.chdir(root)
    before = (root / "programs" / "bridge-builders.yaml").read_text()
    assert main(["new", "bridge-builders", "--model", "circle"]) == 1
    assert (root / "programs" / "bridge-builders.yaml").read_text() == before


def test_committed_schema_is_in_sync():
    committed = json.loads((REPO / "schema" / "program.schema.json").read_text())
    assert committed == json.loads(json.dumps(json_schema()))


def test_shipped_programmes_point_editors_at_the_schema():
    for path in (REPO / "programs").glob("*.yaml"):
        assert path.read_text().startswith("# yaml-language-server: $schema=../schema/program.schema.json"), path


def test_github_annotation_for_unknown_top_level_key(tmp_path):
    text = CONTRACT_FILE.read_text().replace("summary:", "sumary:", 1)
    root = make_project(tmp_path, {"bridge-builders": text})
    run = run_handbook(root, "validate", "--format", "github")
    assert run.returncode == 1
    assert "::error file=programs/bridge-builders.yaml,line=7,col=1,title=HB201::unknown key 'sumary' (did you mean 'summary'?)" in run.stdout


def test_fortnightly_calendar_has_second_session_two_weeks_later(tmp_path):
    text = CONTRACT_FILE.read_text().replace("cadence: weekly", "cadence: fortnightly")
    root = make_project(tmp_path, {"bridge-builders": text})
    run = run_handbook(root, "calendar", "bridge-builders", "--start", "2027-01-11", "--time", "09:30",
                       "--tz", "Europe/London", "--out", "cohort.ics", env={"HANDBOOK_SITE_URL": "https://handbook.test/"})
    assert run.returncode == 0, run.stderr
    ical = Calendar.from_ical((root / "cohort.ics").read_bytes())
    events = sorted(ical.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    sessions = [e for e in events if "session" in str(e.get("summary"))]
    assert [e.decoded("dtstart").date().isoformat() for e in sessions] == ["2027-01-11", "2027-01-25", "2027-02-08"]
    second = sessions[1]
    assert str(second.get("summary")) == "Bridge Builders — session 2: First post"
    assert second.decoded("dtstart").hour == 9 and str(second.decoded("dtstart").tzinfo) == "Europe/London"
    assert (second.decoded("dtend") - second.decoded("dtstart")).seconds == 45 * 60
    description = str(second.get("description"))
    assert "https://handbook.test/programs/bridge-builders/sessions/session-02/" in description
    assert "Collect two examples of great updates" in description
    checkins = [e for e in events if "check-in" in str(e.get("summary"))]
    assert len(checkins) == 1 and len({str(e.get("uid")) for e in events}) == len(events)


def _git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True, env=env).stdout


def test_editions_with_mike_and_diff_between_revisions(tmp_path):
    root = copy_handbook(tmp_path / "repo", {"bridge-builders": CONTRACT_FILE.read_text()})
    (root / ".gitignore").write_text("site/\n.cache/\n")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "first edition")
    git_env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    run = run_handbook(root, "publish", "1.0", "--alias", "latest", env=git_env)
    assert run.returncode == 0, run.stderr
    first_tree = _git(root, "rev-parse", "gh-pages:1.0").strip()

    path = root / "programs" / "bridge-builders.yaml"
    text = path.read_text().replace(
        "      mentor: [Collect two examples of great updates]",
        "      mentor: [Collect two examples of great updates, Draft a headline for the post]")
    text = text.replace("version: 1.2.0\nstatus", "version: 1.3.0\nstatus").replace(
        "changelog:\n", "changelog:\n  - version: 1.3.0\n    date: 2026-11-01\n    changes: [Headline prep]\n")
    path.write_text(text)
    _git(root, "commit", "-qam", "mentor drafts a headline")
    run = run_handbook(root, "publish", "2.0", "--alias", "latest", env=git_env)
    assert run.returncode == 0, run.stderr

    versions = json.loads(_git(root, "show", "gh-pages:versions.json"))
    assert {v["version"]: v["aliases"] for v in versions} == {"2.0": ["latest"], "1.0": []}
    assert _git(root, "rev-parse", "gh-pages:1.0").strip() == first_tree
    new_page = _git(root, "show", "gh-pages:2.0/programs/bridge-builders/sessions/session-02/index.html")
    old_page = _git(root, "show", "gh-pages:1.0/programs/bridge-builders/sessions/session-02/index.html")
    assert "Draft a headline for the post" in new_page and "Draft a headline for the post" not in old_page
    listed = run_handbook(root, "publish", "--list")
    assert listed.stdout.split("\n")[:2] == ["2.0 [latest]", "1.0"]
    again = run_handbook(root, "publish", "1.0", env=git_env)
    assert again.returncode == 1 and "already published" in again.stderr
    quiet = run_handbook(root, "publish", "--if-new", "--", "1.0", env=git_env)
    assert quiet.returncode == 0 and "already published; nothing to do" in quiet.stderr

    diff = run_handbook(root, "diff", "HEAD~1", "HEAD")
    assert diff.returncode == 0, diff.stderr
    assert "bridge-builders: v1.2.0 → v1.3.0" in diff.stdout
    assert "bridge-builders session 2: engineer mentor prep +1 step" in diff.stdout
    markdown = run_handbook(root, "diff", "HEAD~1", "HEAD", "--format", "markdown").stdout
    assert markdown.startswith("### Handbook changes") and "  - session 2: engineer mentor prep +1 step" in markdown


def test_diff_between_folders_names_added_programmes_and_roles(tmp_path):
    old = make_project(tmp_path / "old", {"bridge-builders": CONTRACT_FILE.read_text()})
    new = make_project(tmp_path / "new", {
        "bridge-builders": CONTRACT_FILE.read_text().replace(
            "steps: [Open the team channel daily, Note one recurring question]",
            "steps: [Open the team channel daily, Note one recurring question, Share it with your mentor]"),
    })
    (new / "programs" / "other.yaml").write_text(CONTRACT_FILE.read_text().replace("id: bridge-builders", "id: other"))
    run = run_handbook(tmp_path, "diff", str(old / "programs"), str(new / "programs"))
    assert "bridge-builders session 1: director exercise 'Lurk with purpose' +1 step" in run.stdout
    assert "bridge-builders: v1.2.0 (version not raised)" in run.stdout
    assert "other: added (v1.2.0)" in run.stdout


def test_every_verb_has_help_with_an_example(capsys):
    for verb in ("validate", "lint", "build", "serve", "new", "schema", "publish", "diff", "calendar"):
        with pytest.raises(SystemExit) as exc:
            main([verb, "--help"])
        assert exc.value.code == 0
        out = capsys.readouterr().out
        assert "example" in out and "handbook " + verb in out, verb


def test_one_off_event_parts_follow_each_other(tmp_path):
    text = CONTRACT_FILE.read_text().replace("cadence: weekly", "cadence: once")
    root = make_project(tmp_path, {"bridge-builders": text})
    run = run_handbook(root, "calendar", "bridge-builders", "--start", "2027-03-01", "--time", "13:00")
    assert run.returncode == 0, run.stderr
    ical = Calendar.from_ical(run.stdout.encode())
    starts = sorted(e.decoded("dtstart") for e in ical.walk("VEVENT") if "session" in str(e.get("summary")))
    assert [s.strftime("%Y-%m-%d %H:%M") for s in starts] == ["2027-03-01 13:00", "2027-03-01 13:45", "2027-03-01 14:30"]


def test_calendar_usage_errors(tmp_path):
    root = make_project(tmp_path, {"bridge-builders": CONTRACT_FILE.read_text()})
    assert run_handbook(root, "calendar", "bridge-builders", "--start", "11/01/2027").returncode == 2
    assert run_handbook(root, "calendar", "nope", "--start", "2027-01-11").returncode == 2
    bad_zone = run_handbook(root, "calendar", "bridge-builders", "--start", "2027-01-11", "--time", "09:00", "--tz", "Mars/Olympus")
    assert bad_zone.returncode == 2 and "not a time zone" in bad_zone.stderr and "Traceback" not in bad_zone.stderr


WORKFLOW = REPO / ".github" / "workflows" / "handbook.yml"


def _workflow() -> dict:
    import yaml

    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _steps(job: str) -> dict[str, dict]:
    return {step.get("name") or step.get("uses") or step.get("run"): step for step in _workflow()["jobs"][job]["steps"]}


def test_workflow_never_forces_and_publishes_only_new_editions():
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "--force" not in text
    publish = _workflow()["jobs"]["publish"]
    assert publish["if"].startswith("github.event_name == 'push'") and "refs/tags/edition-" in publish["if"]
    assert publish["permissions"] == {"contents": "write"} and publish["concurrency"]["cancel-in-progress"] is False
    run = _steps("publish")["Publish the edition"]["run"]
    assert "--if-new -- " in run and '-- "${REF_NAME#edition-}"' in run
    assert (REPO / "EDITION").read_text().strip()


def test_workflow_comment_is_fork_safe_and_never_fails_the_job():
    workflow = _workflow()
    assert workflow["permissions"] == {} and workflow["jobs"]["check"]["permissions"]["contents"] == "read"
    comment = _steps("check")["Comment the changes on the pull request"]
    assert "github.event.pull_request.head.repo.full_name == github.repository" in comment["if"]
    assert comment["continue-on-error"] is True
    steps = list(_steps("check"))
    assert steps.index("Build site and workbooks") < steps.index("Comment the changes on the pull request")
    assert "${{" not in comment["run"]  # untrusted values reach the shell through the environment only


def test_workflow_validates_lints_caches_and_uploads():
    steps = _steps("check")
    assert steps["Validate programmes and guides"]["run"] == "handbook validate --format github"
    assert steps["Lint programmes"]["run"] == "handbook lint --format github"
    assert steps["PDF cache"]["with"]["path"] == ".cache/handbook"
    setup = next(s for s in steps.values() if s.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["cache"] == "pip"
    upload = steps["Upload the built site and PDFs for reviewers"]
    assert upload["uses"].startswith("actions/upload-artifact@") and upload["with"]["path"] == "site/"
    assert "group" in _workflow()["concurrency"]


def test_actionlint_passes():
    import shutil
    import sys

    bin_dir = Path(sys.executable).parent
    actionlint = shutil.which("actionlint", path=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    assert actionlint, "actionlint is a test dependency (pip install -e '.[test]')"
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}  # with shellcheck
    run = subprocess.run([actionlint, str(WORKFLOW)], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stdout + run.stderr


def _repo(tmp_path: Path) -> Path:
    root = copy_handbook(tmp_path / "repo", {"bridge-builders": CONTRACT_FILE.read_text()})
    (root / ".gitignore").write_text("site/\n.cache/\n")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "first edition")
    return root


def test_publish_refuses_a_dirty_tree_and_unreadable_editions(tmp_path):
    root = _repo(tmp_path)
    path = root / "programs" / "bridge-builders.yaml"
    path.write_text(path.read_text().replace("title: Bridge Builders", "title: Bridge Makers"))
    dirty = run_handbook(root, "publish", "1.0")
    assert dirty.returncode == 1 and "uncommitted changes (programs/bridge-builders.yaml)" in dirty.stderr
    assert "--allow-dirty" in dirty.stderr
    assert subprocess.run(["git", "rev-parse", "--verify", "-q", "gh-pages"], cwd=root).returncode != 0
    _git(root, "checkout", "-q", "--", ".")
    _git(root, "checkout", "-q", "--orphan", "gh-pages")
    _git(root, "rm", "-rqf", ".")
    (root / "versions.json").write_text("not json")
    _git(root, "add", "versions.json")
    _git(root, "commit", "-qm", "broken")
    _git(root, "checkout", "-q", "-f", "main")
    listed = run_handbook(root, "publish", "--list")
    assert listed.returncode == 1 and "cannot list the editions on branch gh-pages" in listed.stderr
    refused = run_handbook(root, "publish", "1.0")
    assert refused.returncode == 1 and "mike list failed" in refused.stderr and "nothing was published" in refused.stderr
    assert _git(root, "show", "gh-pages:versions.json") == "not json"


@pytest.mark.parametrize("args,words", [
    (["--", "-rf"], "edition '-rf' is not a usable name"),
    (["../../etc"], "edition '../../etc' is not a usable name"),
    (["2.0", "--alias", "a b"], "alias 'a b' is not a usable name"),
    (["2.0", "--alias=--push"], "alias '--push' is not a usable name"),
    (["2.0", "--branch", "x;y"], "branch 'x;y' is not a usable name"),
])
def test_publish_refuses_unsafe_names(tmp_path, args, words):
    root = _repo(tmp_path)
    run = run_handbook(root, "publish", *args)
    assert run.returncode == 1 and words in run.stderr, run.stderr
