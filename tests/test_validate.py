"""The validator as a specification: one bad input per row, with the line and words a designer sees."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CONTRACT_FILE, REPO, make_project
from generator.cli import main
from generator.validate import load_programmes

GOOD = CONTRACT_FILE.read_text(encoding="utf-8")


def validate_text(tmp_path: Path, text: str, name: str = "bridge-builders") -> list[str]:
    root = make_project(tmp_path, {name: text})
    _, problems = load_programmes([root / "programs"], guides_dir=root / "guides", root=root)
    return [p.text() for p in problems]


def test_contract_file_written_by_someone_else_is_valid(tmp_path):
    assert validate_text(tmp_path, GOOD) == []


def test_shipped_programmes_are_valid():
    loaded, problems = load_programmes([REPO / "programs"], guides_dir=REPO / "guides", root=REPO)
    assert [p.text() for p in problems] == []
    assert loaded and all(item.programme is not None for item in loaded)


# (case, old text, new text, expected line, expected words)
BAD = [
    ("typo in top-level key", "\nsessions:\n", "\nsesions:\n", 64, "unknown key 'sesions' (did you mean 'sessions'?)"),
    ("typo in nested key", "    purpose: Meet and agree", "    purpse: Meet and agree", 67, "unknown key 'purpse' (did you mean 'purpose'?)"),
    ("unknown key without suggestion", "  pilot_size: 10 pairs", "  pilot_size: 10 pairs\n  colour: blue", 35, "unknown key 'colour'"),
    ("wrong type: text for number", "session_minutes: 45", "session_minutes: forty", 32, "'session_minutes' should be a whole number, not 'forty'"),
    ("wrong type: list for text", "title: Bridge Builders", "title: [Bridge, Builders]", 2, "'title' should be text, not a list"),
    ("wrong type: number for list", "roles:\n  - id: mentor", "roles: 3\nxroles:\n  - id: mentor", 18, "'roles' should be a list"),
    ("wrong type: boolean", "certificate: true", "certificate: maybe", 119, "'certificate' should be true or false"),
    ("missing required key", "summary: Junior engineers show directors how modern teams work online.\n", "", 1, "missing required key 'summary'"),
    ("missing nested required key", "  statement: Directors learn the tools their teams use; engineers learn how directors decide.\n", "", 8, "missing required key 'statement' in 'purpose'"),
    ("bad cadence", "cadence: weekly", "cadence: daily", 31, "'cadence' cannot be 'daily'"),
    ("bad model", "model: reverse-technical", "model: reverse-tech", 6, "did you mean 'reverse-technical'?"),
    ("bad goal format", "name: SMART", "name: SMARTER", 36, "'name' cannot be 'SMARTER'"),
    ("bad status", "status: published", "status: live", 4, "'status' cannot be 'live'"),
    ("id not a slug", "id: bridge-builders", "id: Bridge Builders", 1, "'id' must be a slug"),
    ("id differs from file name", "id: bridge-builders", "id: bridge-builder", 1, "id 'bridge-builder' does not match the file name 'bridge-builders.yaml'"),
    ("version not semantic", "version: 1.2.0", "version: 1.2", 3, "'version' must be a semantic version"),
    ("changelog top differs", "  - version: 1.2.0\n    date: 2026-09-01", "  - version: 1.1.0\n    date: 2026-09-01", 122, "the newest changelog entry is 1.1.0 but the programme's version is 1.2.0"),
    ("changelog not newest first", "date: 2026-01-10", "date: 2026-12-10", 126, "changelog entries must be newest first"),
    ("bad date", "date: 2026-09-01", "date: first of September", 123, "'date' should be a date written YYYY-MM-DD"),
    ("dangling role in prep", "      director: [List the tools", "      directr: [List the tools", 70, "unknown role 'directr' (did you mean 'director'?)"),
    ("dangling role in agenda lead", "        lead: director", "        lead: cfo", 77, "unknown role 'cfo'"),
    ("dangling role in training", "for: [director]", "for: [directors]", 55, "unknown role 'directors'"),
    ("dangling role in outcomes", "    - role: director\n      learns: How to follow", "    - role: boss\n      learns: How to follow", 12, "unknown role 'boss'"),
    ("dangling role in goal owner", "owner: [director, mentor]", "owner: [director, mentee]", 37, "unknown role 'mentee' (did you mean 'mentor'?)"),
    ("dangling role in exercises", "    exercises:\n      director:\n        - title: Lurk", "    exercises:\n      exec:\n        - title: Lurk", 79, "unknown role 'exec'"),
    ("session gap", "  - number: 3", "  - number: 4", 102, "expected 3 here, found 4"),
    ("over-long agenda", "      - minutes: 30\n        step: Draft", "      - minutes: 40\n        step: Draft", 71, "the agenda of session 1 adds up to 55 minutes, but the session lasts 45"),
    ("check-in after a missing session", "after_session: 2", "after_session: 9", 110, "comes after session 9, but the programme has 3 session(s)"),
    ("training week beyond programme", "when: week-2", "when: week-7", 56, "'week-7' is after the last session"),
    ("bad training when", "when: week-2", "when: later", 56, "'when' must be 'before-kickoff', 'any' or 'week-N'"),
    ("missing guide file", "guide: training/upward.md", "guide: training/missing.md", 51, "guide 'training/missing.md' does not exist under guides/"),
    ("guide escaping guides/", "guide: training/upward.md", "guide: ../../etc/passwd.md", 51, "must be a Markdown page inside guides/"),
    ("only one role", "  - id: director\n    title: Director\n    responsibilities: [Do the exercises]\n    hours_per_week: 1\n    benefits: [Digital fluency]\n", "", 18, "'roles' needs at least 2 item(s)"),
    ("duplicate role id", "  - id: director\n    title: Director", "  - id: mentor\n    title: Director", 25, "role id 'mentor' is used twice"),
    ("negative minutes", "      - minutes: 15\n        step: Introductions", "      - minutes: -5\n        step: Introductions", 72, "'minutes' is out of range"),
    ("custom goal without fields", "  name: SMART\n  owner: [director, mentor]\n  fields:\n    - key: specific\n      label: Specific\n      prompt: Which tool, which habit?\n",
     "  name: custom\n  owner: [director, mentor]\n", 36, "a custom goal format needs 'fields'"),
    ("norms empty", "  norms: [What is said stays between the two of you]", "  norms: []", 58, "'norms' needs at least 1 item(s)"),
    ("duplicate key", "title: Bridge Builders\n", "title: Bridge Builders\ntitle: Bridges\n", 3, "duplicate key 'title' (first written on line 2)"),
    ("non-string key", "  pilot_size: 10 pairs", "  pilot_size: 10 pairs\n  12: pairs", 35, "the key '12' is not text"),
    ("python tag", "title: Bridge Builders", "title: !!python/object/apply:os.system ['id']", 2, "the tag '!!python/object/apply:os.system' is not allowed"),
    ("custom tag", "title: Bridge Builders", "title: !include other.yaml", 2, "the tag '!include' is not allowed"),
    ("raw HTML", "summary: Junior engineers", "summary: <script>alert(1)</script> Junior engineers", 7, "raw HTML is not allowed in programme text"),
    ("HTML comment", "summary: Junior engineers", "summary: <!-- hidden --> Junior engineers", 7, "raw HTML is not allowed"),
    ("remote image", "learns: How to give feedback upward.", "learns: How to give ![x](https://evil.example/x.png) feedback.", 16, "images are not allowed in programme text"),
    ("local file link", "learns: How to give feedback upward.", "learns: See [notes](file:///etc/passwd).", 16, "links to files or web addresses are not allowed"),
    ("relative file link", "learns: How to give feedback upward.", "learns: See [notes](../../secrets.md).", 16, "links to files or web addresses are not allowed"),
    ("reference-style link", "administrator_sees: Attendance only.", "administrator_sees: |\n    Attendance [only][x].\n\n    [x]: http://tracker.example/", 60, "links to files or web addresses are not allowed"),
    ("bare web address", "administrator_sees: Attendance only.", "administrator_sees: Attendance at https://tracker.example/x", 60, "web addresses are not allowed"),
    ("colon inside a flow list", "prompts:\n      - What surprised you?", "prompts: [Try this: a plan]", 83, "put the whole text in quotes"),
    ("colon in a title", "title: Bridge Builders", "title: Bridge: Builders: x", 2,
     "a colon followed by a space inside the text makes YAML read a second key"),
    ("bad indentation", "  cadence: weekly", "   cadence: weekly", 32, "indented differently from the lines around it"),
    ("recursive alias", "  organisational_goals: [Better digital decisions]", "  organisational_goals: &g [*g]", 10, "an alias refers to itself"),
]


@pytest.mark.parametrize("case,old,new,line,words", BAD, ids=[row[0] for row in BAD])
def test_bad_input_gives_clear_problem(tmp_path, case, old, new, line, words):
    assert old in GOOD, f"fixture changed: {old!r}"
    problems = validate_text(tmp_path, GOOD.replace(old, new, 1))
    matching = [p for p in problems if words in p]
    assert matching, f"{case}: expected {words!r} in {problems}"
    assert matching[0].startswith(f"programs/bridge-builders.yaml:{line}:"), matching[0]


def test_yaml_bomb_is_refused_quickly(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    started = time.perf_counter()
    problems = validate_text(tmp_path, "\n".join(lines) + "\n")
    assert time.perf_counter() - started < 5  # a guard against hanging, not a speed goal
    assert len(problems) == 1
    assert "alias" in problems[0] and problems[0].startswith("programs/bridge-builders.yaml:")


def test_every_problem_in_every_file_at_once(tmp_path):
    root = make_project(tmp_path, {
        "bridge-builders": GOOD.replace("sessions:\n", "sesions:\n", 1),
        "other": GOOD.replace("id: bridge-builders", "id: other").replace("cadence: weekly", "cadence: daily"),
    })
    _, problems = load_programmes([root / "programs"], guides_dir=root / "guides", root=root)
    files = {p.file for p in problems}
    assert files == {"programs/bridge-builders.yaml", "programs/other.yaml"}


def test_duplicate_ids_across_programmes(tmp_path):
    root = make_project(tmp_path, {"bridge-builders": GOOD})
    (root / "programs" / "copy.yml").write_text(GOOD, encoding="utf-8")
    _, problems = load_programmes([root / "programs"], guides_dir=root / "guides", root=root)
    assert any("does not match the file name 'copy.yaml'" in p.message for p in problems)
    duplicate = [p for p in problems if p.code == "HB402"]
    assert [(p.file, p.line) for p in duplicate] == [("programs/copy.yml", 1)]
    assert duplicate[0].message == "programme id 'bridge-builders' is already used by programs/bridge-builders.yaml"


def test_cli_exit_codes_and_github_format(tmp_path, monkeypatch, capsys):
    root = make_project(tmp_path, {"bridge-builders": GOOD})
    monkeypatch.chdir(root)
    assert main(["validate"]) == 0
    (root / "programs" / "bridge-builders.yaml").write_text("id: bridge-builders\nsesions: []\n" + GOOD[20:], encoding="utf-8")
    capsys.readouterr()
    assert main(["validate", "--format", "github"]) == 1
    out = capsys.readouterr().out
    assert "::error file=programs/bridge-builders.yaml,line=2,col=1,title=HB201::unknown key 'sesions'" in out
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--format", "xml"])
    assert exc.value.code == 2


def test_cli_never_shows_a_traceback(tmp_path):
    root = make_project(tmp_path, {"bridge-builders": "id: [unclosed\n"})
    (root / "programs" / "binary.yaml").write_bytes(b"\xff\xfe\x00garbage")
    run = subprocess.run([sys.executable, "-m", "generator", "validate"], cwd=root, capture_output=True, text=True)
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    assert "programs/binary.yaml:1:1: error: the file is not UTF-8 text" in run.stdout
    assert "programs/bridge-builders.yaml:1:5: error: the '[' opened on line 1 is never closed with ']'" in run.stdout


@pytest.mark.parametrize("text,words", [
    ("- id: bridge-builders\n- title: x\n", "a programme must be a mapping of keys, not a list"),
    ("", "the file is empty"),
    ("id: a\n---\nid: b\n", "more than one YAML document"),
])
def test_file_shape_problems(tmp_path, text, words):
    problems = validate_text(tmp_path, text)
    assert len(problems) == 1 and words in problems[0], problems


def test_question_mark_in_a_bracket_list_is_just_text(tmp_path):
    text = GOOD.replace("commitments: [Director joins two channels]", "commitments: [Does the director join?]")
    assert validate_text(tmp_path, text) == []


@pytest.mark.parametrize("text", ["Rate it 1-5 where 3 < 4 and 5 > 4.", "Use <3 sparingly",
                                  "Email [the coordinator](mailto:coordinator@example.org)", "See [below](#agenda)"])
def test_ordinary_text_is_not_mistaken_for_html_or_links(tmp_path, text):
    assert validate_text(tmp_path, GOOD.replace("summary: Junior engineers", f"summary: {text} Junior engineers")) == []


def test_flow_list_split_at_a_comma_is_a_warning(contract_text):
    from generator.validate import check_text

    text = contract_text.replace("steps: [", "steps: [Note one thing, even small., ", 1)
    assert text != contract_text
    prog, problems = check_text(text, "programs/bridge-builders.yaml", expected_id="bridge-builders")
    warnings = [p for p in problems if p.severity == "warning"]
    assert prog is not None and len(warnings) == 1
    assert "'even small.' looks like the end of 'Note one thing', split at a comma" in warnings[0].message
    assert 'quote the whole item ("Note one thing, even small.")' in warnings[0].hint
    line = text.splitlines()[warnings[0].line - 1]
    assert "even small." in line
    # one item per line, or a sentence that ends before the next: no warning
    fine = contract_text.replace("steps: [", "steps: [Note one thing., even small, ", 1)
    assert [p for p in check_text(fine, "programs/bridge-builders.yaml", expected_id="bridge-builders")[1]
            if p.severity == "warning"] == []
