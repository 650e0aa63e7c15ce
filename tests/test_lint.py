"""`handbook lint`: each rule fires on a flawed programme at the right line, and the library is clean."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import REPO, run_handbook
from generator.lint import RULES, lint_paths
from generator.scaffold import PRESETS

BASE = (REPO / "programs" / "digital-leaders.yaml").read_text(encoding="utf-8")


def _cut(text: str, start: str, end: str) -> str:
    """Remove the block from the line holding ``start`` up to and including the line holding ``end``."""
    i = text.index(start)
    i = text.rindex("\n", 0, i) + 1
    j = text.index(end, i)
    j = text.index("\n", j) + 1
    return text[:i] + text[j:]


def _replace(old: str, new: str):
    def mutate(text: str) -> str:
        assert text.count(old) == 1, old
        return text.replace(old, new)
    return mutate


# (rule code, how to break the shipped programme, a string on the line the warning must point at)
FLAWS = [
    ("HL101", _replace("reup_after_weeks: 15", "reup_after_weeks: 26"), "reup_after_weeks: 26"),
    ("HL102", _replace("- Both submit the evaluation within a week.", "- Both bring the evaluation to the next session."),
     "Both bring the evaluation to the next session."),
    ("HL102", _replace("- Both submit the evaluation within a week.", "- Both keep practising until next time."),
     "Both keep practising until next time."),
    ("HL103", _replace("    prompts:\n      - What makes you ignore a message from a senior person?\n", ""),
     "  - number: 3"),
    ("HL104", _replace("  - id: coordinator\n", "  - id: observer\n    title: Observer\n  - id: coordinator\n"),
     "  - id: observer"),
    ("HL105", _replace("\nconfidentiality:\n", "\n  - id: tool-tour\n    title: Tool tour\n    for: [executive]\n"
                                                "confidentiality:\n"), "  - id: tool-tour"),
    ("HL106", _replace("      collected_by: [Closing review, evaluation measure 1]\n", ""),
     "      evidence: >-"),
    ("HL106", _replace("collected_by: [Closing review, evaluation measure 1]", "collected_by: [Final review]"),
     "collected_by: [Final review]"),
    ("HL107", lambda t: t.replace("Baseline: count", "Count").replace("Baseline for the reverse mentor: how", "How")
     .replace("baseline pulse", "pulse"), "      evidence: >-"),
    ("HL108", _replace("    hours_per_week: 0.75\n    headcount: 12\n", "    hours_per_week: 0.75\n    headcount: 4\n"),
     "    headcount: 12"),
    ("HL109", _replace("    hours_per_week: 0.75\n    headcount: 12\n", "    hours_per_week: 0.25\n    headcount: 12\n"),
     "    hours_per_week: 0.25"),
    ("HL110", lambda t: _cut(t, "  - id: coordinator", "    workbook: false"), "checkins:"),
]


def _line_of(text: str, needle: str) -> int:
    lines = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    assert lines, needle
    return lines[0]


def _lint_text(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "programs").mkdir(exist_ok=True)
    path = tmp_path / "programs" / "digital-leaders.yaml"
    path.write_text(text, encoding="utf-8")
    _, problems = lint_paths([path], guides_dir=REPO / "guides", root=tmp_path)
    assert not [p for p in problems if p.severity == "error"], problems
    return [p.text() for p in problems]


@pytest.fixture(scope="module")
def library_warnings() -> list[str]:
    _, problems = lint_paths([REPO / "programs"], guides_dir=REPO / "guides", root=REPO)
    return [p.text() for p in problems]


def test_the_base_programme_is_clean(tmp_path):
    assert _lint_text(tmp_path, BASE) == []


@pytest.mark.parametrize("code,mutate,needle", FLAWS, ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(FLAWS)])
def test_rule_fires_at_the_right_line(tmp_path, code, mutate, needle):
    text = mutate(BASE)
    assert text != BASE
    found = _lint_text(tmp_path, text)
    mine = [w for w in found if f": warning: {code} " in w]
    assert mine, found
    line = _line_of(text, needle)
    assert any(w.startswith(f"programs/digital-leaders.yaml:{line}:") for w in mine), (line, mine)
    assert all("; " in w for w in mine), "every warning says how to fix it"


def test_every_rule_has_a_test():
    assert {code for code, _, _ in FLAWS} == set(RULES)


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_is_silent_on_the_library(library_warnings, code):
    assert [w for w in library_warnings if f" {code} " in w] == []


def test_capacity_message_does_the_arithmetic(tmp_path):
    text = BASE.replace("    hours_per_week: 0.75\n    headcount: 12\n", "    hours_per_week: 0.75\n    headcount: 4\n")
    text = text.replace("    hours_per_week: 1\n    headcount: 12\n", "    hours_per_week: 1\n    headcount: 12\n"
                        "    meetings_each: 2\n")
    [warning] = [w for w in _lint_text(tmp_path, text) if "HL108" in w]
    assert "12 × reverse mentor × 2 meeting(s) each = 24 meeting(s)" in warning
    assert "4 × executive × 8 meeting(s) each = 32 meeting(s)" in warning


def test_cli_exit_codes_and_help(tmp_path):
    shutil.copytree(REPO / "guides", tmp_path / "guides")
    (tmp_path / "programs").mkdir()
    (tmp_path / "programs" / "digital-leaders.yaml").write_text(BASE.replace("reup_after_weeks: 15", "reup_after_weeks: 26"))
    run = run_handbook(tmp_path, "lint")
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"^programs/digital-leaders\.yaml:\d+:\d+: warning: HL101 ", run.stdout, re.MULTILINE), run.stdout
    assert "1 warning(s) in 1 programme file(s)" in run.stderr
    assert run_handbook(tmp_path, "lint", "--strict").returncode == 1
    github = run_handbook(tmp_path, "lint", "--format", "github", "programs")
    assert github.stdout.startswith("::warning file=programs/digital-leaders.yaml,line=")
    (tmp_path / "programs" / "digital-leaders.yaml").write_text(BASE)
    assert run_handbook(tmp_path, "lint", "--strict", "programs").returncode == 0
    (tmp_path / "programs" / "digital-leaders.yaml").write_text(BASE.replace("model: reverse-technical", "model: reverse"))
    broken = run_handbook(tmp_path, "lint")
    assert broken.returncode == 1 and ": error: " in broken.stdout
    helped = run_handbook(tmp_path, "lint", "--help")
    assert "handbook lint --strict programs" in helped.stdout and "HL108 capacity" in helped.stdout


def test_final_session_may_look_beyond_the_programme(tmp_path):
    """'The next time you need this skill' or 'the next cohort' is not a session that is missing."""
    text = BASE.replace("- Both submit the evaluation within a week.",
                        "- Both note what they will do the next time a tool changes, and advise the next cohort.")
    assert [w for w in _lint_text(tmp_path, text) if "HL102" in w] == []


@pytest.mark.parametrize("model", sorted(PRESETS))
def test_every_scaffold_is_lint_clean(model):
    """`handbook new` starts a designer on a programme that already follows the library's rules."""
    from generator.load import load_text
    from generator.lint import lint_programme
    from generator.scaffold import scaffold
    from generator.validate import check_document

    doc, problems = load_text(scaffold("spring-cohort", model, REPO / "theme"), "programs/spring-cohort.yaml")
    prog, problems = check_document(doc, expected_id="spring-cohort")
    assert prog is not None and problems == []
    assert [p.text() for p in lint_programme(doc, prog)] == []
    assert prog.role("coordinator") and not prog.role("coordinator").workbook
