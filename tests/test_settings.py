"""One Settings value, read from the environment in one module and passed down explicitly."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from conftest import copy_handbook, run_handbook
from generator.settings import Settings, SettingsError

GENERATOR = Path(__file__).resolve().parent.parent / "generator"


def test_settings_come_from_the_environment_with_defaults_underneath():
    s = Settings.from_environment({"HANDBOOK_DRAFTS": "yes", "HANDBOOK_JOBS": "3", "HANDBOOK_PAPER": "letter",
                                   "SOURCE_DATE_EPOCH": "1767225600", "HANDBOOK_CACHE": "/tmp/c"}, pdfs=False)
    assert (s.drafts, s.pdfs, s.jobs, s.paper, s.cache) == (True, False, 3, "letter", Path("/tmp/c"))
    assert s.edition_date == dt.date(2026, 1, 1)
    assert Settings.from_environment({}, drafts=True).drafts is True
    assert Settings.from_environment({"HANDBOOK_DRAFTS": ""}, drafts=True).drafts is True  # empty = not set


def test_settings_cross_a_process_boundary_unchanged():
    s = Settings(drafts=True, pdfs=False, paper="letter", jobs=2, progress_fd=7, source_date_epoch=5,
                 problems_file=Path("/tmp/p.json"))
    env = s.to_environment({"PATH": "/bin", "HANDBOOK_STALE": "x", "SOURCE_DATE_EPOCH": "99"})
    assert env["PATH"] == "/bin" and "HANDBOOK_STALE" not in env
    assert Settings.from_environment(env) == s


@pytest.mark.parametrize("environ, words", [
    ({"HANDBOOK_JOBS": "many"}, "HANDBOOK_JOBS must be a whole number, not 'many'"),
    ({"HANDBOOK_JOBS": "-1"}, "jobs must be a whole number from 1 to 256"),
    ({"HANDBOOK_PAPER": "a5"}, "paper must be one of a4, letter, not 'a5'"),
    ({"HANDBOOK_DRAFTS": "maybe"}, "HANDBOOK_DRAFTS must be 1 or 0 (true/false), not 'maybe'"),
    ({"SOURCE_DATE_EPOCH": "soon"}, "SOURCE_DATE_EPOCH must be a whole number"),
    ({"SOURCE_DATE_EPOCH": "99999999999999"}, "SOURCE_DATE_EPOCH must be seconds since 1970"),
    ({"HANDBOOK_SITE_URL": "javascript:alert(1)"}, "HANDBOOK_SITE_URL must start with https://"),
])
def test_a_bad_setting_is_a_clear_error(environ, words):
    with pytest.raises(SettingsError) as caught:
        Settings.from_environment(environ)
    assert words in str(caught.value)


def test_a_bad_setting_stops_handbook_build_with_exit_2(tmp_path):
    root = copy_handbook(tmp_path / "repo", {})
    run = run_handbook(root, "build", "--no-pdfs", env={"SOURCE_DATE_EPOCH": "tomorrow"})
    assert run.returncode == 2 and "SOURCE_DATE_EPOCH must be a whole number" in run.stderr
    assert "Traceback" not in run.stderr and not (root / "site").exists()


def test_only_the_settings_module_reads_the_environment():
    readers = []
    for path in sorted(GENERATOR.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        if re.search(r"os\.environ|os\.getenv|environ\.get\(|HANDBOOK_[A-Z]+\"", text) and path.name != "settings.py":
            readers.append(path.name)
    assert readers == []


def test_the_mkdocs_adapter_stays_thin():
    lines = (GENERATOR / "mkdocs_plugin.py").read_text(encoding="utf-8").splitlines()
    assert len(lines) < 60
    assert not [p.name for p in GENERATOR.glob("*.py")
                if p.name != "mkdocs_plugin.py" and re.search(r"^\s*(from|import) mkdocs", p.read_text(), re.M)]
