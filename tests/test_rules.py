"""The rule table, one case per code: the words, the line and the fix a designer sees."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CONTRACT_FILE, make_project
from generator.guides import check_guides
from generator.load import MAX_ALIASES, MAX_FILE_BYTES, MAX_STRING_CHARS, MAX_TEXT_CHARS
from generator.problems import Problem, format_problems
from generator.rules import RULES
from generator.validate import load_programmes

GOOD = CONTRACT_FILE.read_text(encoding="utf-8")


def edit(old: str, new: str) -> str:
    assert old in GOOD, f"fixture changed: {old!r}"
    return GOOD.replace(old, new, 1)


def programme_problems(tmp_path: Path, text: str | bytes, name: str = "bridge-builders") -> list[Problem]:
    root = make_project(tmp_path)
    target = root / "programs" / f"{name}.yaml"
    if isinstance(text, bytes):
        target.write_bytes(text)
    else:
        target.write_text(text, encoding="utf-8")
    _, problems = load_programmes([root / "programs"], guides_dir=root / "guides", root=root)
    return problems


def guide_problems(tmp_path: Path, text: str | bytes) -> list[Problem]:
    root = make_project(tmp_path)
    page = root / "guides" / "training" / "extra.md"
    page.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return check_guides(root / "guides", root)


def guide_file(tmp_path: Path, name: str, content: bytes = b"x", link: Path | None = None) -> list[Problem]:
    root = make_project(tmp_path)
    path = root / "guides" / "training" / name
    if link is not None:
        link.write_bytes(content)
        path.symlink_to(link)
    else:
        path.write_bytes(content)
    return check_guides(root / "guides", root)


END = GOOD.count("\n") + 1  # the first line after the fixture


def cohorts(*entries: str) -> str:
    """The fixture with a cohorts list; each entry is 'name|start|time|zone' (empty parts left out)."""
    lines = ["cohorts:"]
    for entry in entries:
        name, start, time, zone = entry.split("|")
        lines += [f"  - name: {name}", f"    start: {start}"]
        lines += [f'    time: "{time}"'] if time else []
        lines += [f"    zone: {zone}"] if zone else []
    return GOOD + "\n".join(lines) + "\n"


def _aliases(n: int) -> str:
    return edit("  organisational_goals: [Better digital decisions]",
                "  organisational_goals: &g [Better digital decisions]\n  x: [" + ", ".join(["*g"] * n) + "]")


# code: (how to make it, expected line (0: none), words in the message, words in the hint)
CASES = {
    "HB101": (lambda t: load_programmes([t / "nowhere"], guides_dir=None)[1], 0,
              "cannot read the file: no such file or folder", "check that the file exists"),
    "HB102": (lambda t: programme_problems(t, GOOD + "#" * MAX_FILE_BYTES), 1,
              "the file is too large", f"stays under {MAX_FILE_BYTES} bytes"),
    "HB103": (lambda t: programme_problems(t, b"id: caf\xe9\n"), 1, "not UTF-8 text (byte 7)", "save it as UTF-8"),
    "HB104": (lambda t: programme_problems(t, "# nothing here\n"), 1, "the file is empty", "handbook new"),
    "HB105": (lambda t: programme_problems(t, "id: a\n---\nid: b\n"), 3, "more than one YAML document",
              "one programme per file"),
    "HB106": (lambda t: programme_problems(t, "- id: a\n"), 1, "must be a mapping of keys, not a list",
              "start with 'id: your-programme'"),
    "HB107": (lambda t: programme_problems(t, "id: " + "[" * 1200 + "]" * 1200 + "\n"), 1,
              "nested too deeply", "flatten"),
    "HB110": (lambda t: programme_problems(t, "id: x\ngoals: [a, b]]\n"), 2, "YAML cannot read this line",
              "check indentation, colons and quotes"),
    "HB111": (lambda t: programme_problems(t, edit("  cadence: weekly", "\tcadence: weekly")), 31,
              "a tab character is used for indentation", "replace the tab with spaces"),
    "HB112": (lambda t: programme_problems(t, edit("    title: Kick-off", "    title: Kick-off: the start")), 66,
              "a colon followed by a space inside the text", 'put the whole text in quotes: title: "Kick-off: the start"'),
    "HB113": (lambda t: programme_problems(t, edit("title: Bridge Builders", 'title: "Bridge Builders')), 2,
              "the double quote opened on line 2 is never closed", 'add the closing "'),
    "HB114": (lambda t: programme_problems(t, edit("  cadence: weekly", "   cadence: weekly")), 32,
              "indented differently from the lines around it (2 space(s) here, 3 on line 31 above)", "line it up"),
    "HB115": (lambda t: programme_problems(t, edit("  organisational_goals: [Better digital decisions]",
                                                   "  organisational_goals: [Why: because: reasons]")), 10,
              "a '?' or ':' inside [ ... ] confuses YAML", "lines starting with '- '"),
    "HB116": (lambda t: programme_problems(t, edit("title: Bridge Builders\n", "title: Bridge Builders\ntitle: B\n")), 3,
              "duplicate key 'title' (first written on line 2)", "keep one of the two"),
    "HB117": (lambda t: programme_problems(t, edit("  pilot_size: 10 pairs", "  pilot_size: 10 pairs\n  12: pairs")), 35,
              "the key '12' is not text", "keys must be words"),
    "HB118": (lambda t: programme_problems(t, edit("title: Bridge Builders", "title: !include other.yaml")), 2,
              "the tag '!include' is not allowed", "remove the tag"),
    "HB119": (lambda t: programme_problems(t, edit("    date: 2026-09-01", "    date: 2026-13-45")), 123,
              "this value cannot be read: month must be in 1..12", "put it in quotes"),
    "HB120": (lambda t: programme_problems(t, "a: &a [" + ", ".join(["x"] * 60) + "]\nb: [" + ", ".join(["*a"] * 20) + "]\n"), 1,
              "expand this file beyond the allowed size", "write the text out"),
    "HB121": (lambda t: programme_problems(t, edit("  organisational_goals: [Better digital decisions]",
                                                   "  organisational_goals: &g [*g]")), 10,
              "an alias refers to itself", "remove the *alias"),
    "HB122": (lambda t: programme_problems(t, _aliases(MAX_ALIASES + 1)), 10,  # at the anchor
              f"too many aliases (*name) in one file ({MAX_ALIASES} at most)", "write the text out"),
    "HB123": (lambda t: programme_problems(t, edit("schedule:\n", "base: &b [1]\nschedule:\n  <<: *b\n")), 30,
              "'<<' must merge a mapping", "'<<: *name'"),
    "HB124": (lambda t: programme_problems(t, edit("  organisational_goals: [Better digital decisions]",
                                                   "  organisational_goals: [Better digital decisions")), 10,
              "the '[' opened on line 10 is never closed with ']'", "add the closing ']'"),
    "HB125": (lambda t: programme_problems(t, edit("  organisational_goals: [Better digital decisions]",
                                                   f"  organisational_goals: &g [{'w' * (MAX_STRING_CHARS - 10)}]\n"
                                                   "  x: [" + ", ".join(["*g"] * (MAX_TEXT_CHARS // MAX_STRING_CHARS + 2)) + "]")),
              0, "adds up to more than 1,000,000 characters", "write shorter text"),
    "HB126": (lambda t: programme_problems(t, edit("summary: Junior engineers", "summary: " + "x" * MAX_STRING_CHARS + " engineers")), 7,
              f"characters long (at most {MAX_STRING_CHARS:,})", "shorten it"),
    "HB127": (lambda t: programme_problems(t, edit("summary: Junior engineers", "summary: Junior \u202eengineers")), 7,
              "invisible control character (U+202E)", "retype the text"),
    "HB201": (lambda t: programme_problems(t, edit("\nsessions:\n", "\nsesions:\n")), 64,
              "unknown key 'sesions' (did you mean 'sessions'?)", "fix the spelling"),
    "HB202": (lambda t: programme_problems(t, edit("summary: Junior engineers show directors how modern teams work online.\n", "")), 1,
              "missing required key 'summary'", "add 'summary: ...'"),
    "HB203": (lambda t: programme_problems(t, edit("session_minutes: 45", "session_minutes: forty")), 32,
              "'session_minutes' should be a whole number, not 'forty'", ""),
    "HB204": (lambda t: programme_problems(t, edit("cadence: weekly", "cadence: daily")), 31,
              "'cadence' cannot be 'daily'", "choose one of: weekly, fortnightly, monthly, once"),
    "HB205": (lambda t: programme_problems(t, edit("version: 1.2.0", "version: 1.2")), 3,
              "'version' must be a semantic version, not '1.2'", "write three numbers"),
    "HB206": (lambda t: programme_problems(t, edit("  norms: [What is said stays between the two of you]", "  norms: []")), 58,
              "'norms' needs at least 1 item(s)", "add the missing entries"),
    "HB207": (lambda t: programme_problems(t, edit("      - minutes: 15\n        step: Introductions",
                                                   "      - minutes: -5\n        step: Introductions")), 72,
              "'minutes' is out of range: input should be greater than 0 (got the number -5)", "within the range"),
    "HB208": (lambda t: programme_problems(t, edit("      learns: How to give feedback upward.", "      role: ''\n      learns: x")
                                           .replace("    - role: mentor\n      role: ''", "    - role: ''")), 15,
              "'role' must not be empty", "write a value or remove the key"),
    "HB209": (lambda t: programme_problems(t, edit("session_minutes: 45", "session_minutes: .inf")), 32,
              "'session_minutes': Input should be a finite number", "format reference"),
    "HB210": (lambda t: programme_problems(t, edit("  norms: [What is said stays between the two of you]",
                                                   "  norms: [" + ", ".join(["Norm"] * 201) + "]")), 58,
              "'norms' has more than 200 items", "split the programme"),
    "HB301": (lambda t: programme_problems(t, edit("summary: Junior engineers", "summary: <b>Junior</b> engineers")), 7,
              "raw HTML is not allowed in programme text (found '<b>…')", "write plain Markdown"),
    "HB302": (lambda t: programme_problems(t, edit("learns: How to give feedback upward.", "learns: '![x](x.png)'")), 16,
              "images are not allowed in programme text ('x.png')", "describe it in words"),
    "HB303": (lambda t: programme_problems(t, edit("learns: How to give feedback upward.", "learns: '[notes](n.md)'")), 16,
              "links to files or web addresses are not allowed in programme text ('n.md')", "name the resource in words"),
    "HB304": (lambda t: programme_problems(t, edit("administrator_sees: Attendance only.",
                                                   "administrator_sees: See www.tracker.example")), 60,
              "web addresses are not allowed in programme text ('www.tracker.example')", "name the resource in words"),
    "HB305": (lambda t: programme_problems(t, edit("summary: Junior engineers", "summary: Junior {.wide onclick=x} engineers")), 7,
              "attribute lists are not allowed in programme text (found '{.wide onclick=x}')", "curly brackets"),
    "HB401": (lambda t: programme_problems(t, GOOD, name="bridges"), 1,
              "id 'bridge-builders' does not match the file name 'bridges.yaml'", "rename the file to 'bridge-builders.yaml'"),
    "HB402": (lambda t: (lambda root: (
        (root / "programs" / "bridge-builders.yml").write_text(GOOD, encoding="utf-8"),
        load_programmes([root / "programs"], guides_dir=root / "guides", root=root)[1])[1])(
        make_project(t, {"bridge-builders": GOOD})), 1,
              "programme id 'bridge-builders' is already used by programs/bridge-builders.yaml", "its own id"),
    "HB403": (lambda t: programme_problems(t, edit("  - id: director\n    title: Director", "  - id: mentor\n    title: Director")), 25,
              "role id 'mentor' is used twice", "give each role its own id"),
    "HB404": (lambda t: programme_problems(t, edit("        lead: director", "        lead: directr")), 77,
              "unknown role 'directr' (did you mean 'director'?)", "roles defined in this programme: mentor, director"),
    "HB405": (lambda t: programme_problems(t, edit("  name: SMART", "  name: custom").replace(
        "  fields:\n    - key: specific\n      label: Specific\n      prompt: Which tool, which habit?\n", "")), 36,
              "a custom goal format needs 'fields'", "list the fields"),
    "HB406": (lambda t: programme_problems(t, edit("      prompt: Which tool, which habit?\n",
                                                   "      prompt: Which tool, which habit?\n    - key: specific\n")), 42,
              "goal field 'specific' is listed twice", "one entry per field key"),
    "HB407": (lambda t: programme_problems(t, edit("    - Post one useful update on the team channel every Friday for four weeks.",
                                                   "    - specific: Post weekly\n      mesurable: Four posts")), 44,
              "goal example uses 'mesurable', which is not a field of the SMART format (did you mean 'measurable'?)",
              "fields: specific, measurable"),
    "HB408": (lambda t: programme_problems(t, edit("  - id: listening", "  - id: upward-feedback")), 53,
              "training id 'upward-feedback' is used twice", "its own id"),
    "HB409": (lambda t: programme_problems(t, edit("when: week-2", "when: week-4")), 56,
              "'week-4' is after the last session (week 3)", "use week-1 … week-3"),
    "HB410": (lambda t: programme_problems(t, edit("guide: training/upward.md", "guide: https://example.org/x.md")), 51,
              "guide 'https://example.org/x.md' must be a Markdown page inside guides/", "training/active-listening.md"),
    "HB411": (lambda t: programme_problems(t, edit("guide: training/upward.md", "guide: training/missing.md")), 51,
              "guide 'training/missing.md' does not exist under guides/", "create guides/training/missing.md"),
    "HB412": (lambda t: programme_problems(t, edit("  - number: 3", "  - number: 4")), 102,
              "expected 3 here, found 4", "renumber the sessions"),
    "HB413": (lambda t: programme_problems(t, edit("      - minutes: 30\n        step: Draft", "      - minutes: 40\n        step: Draft")), 71,
              "the agenda of session 1 adds up to 55 minutes, but the session lasts 45", "set 'minutes: 55' on the session"),
    "HB414": (lambda t: programme_problems(t, edit("after_session: 2", "after_session: 4")), 110,
              "check-in 'Midpoint review' comes after session 4, but the programme has 3 session(s)", "from 1 to 3"),
    "HB415": (lambda t: programme_problems(t, edit("  - version: 1.2.0\n    date: 2026-09-01", "  - version: 1.1.0\n    date: 2026-09-01")), 122,
              "the newest changelog entry is 1.1.0 but the programme's version is 1.2.0", "add a changelog entry"),
    "HB416": (lambda t: programme_problems(t, edit("date: 2026-01-10", "date: 2026-09-02")), 126,
              "changelog entries must be newest first", "move the newest entry to the top"),
    "HB417": (lambda t: programme_problems(t, edit("  norms: [What is said stays between the two of you]",
                                                   "  norms: [What is said stays, between the two of you]")), 58,
              "list item 'between the two of you' looks like the end of 'What is said stays'",
              'quote the whole item ("What is said stays, between the two of you")'),
    "HB418": (lambda t: programme_problems(t, cohorts("Spring|2027-01-11|09:30|Europe/Pariss")), END + 4,
              "unknown time zone 'Europe/Pariss' (did you mean 'Europe/Paris'?)", "tz database"),
    "HB419": (lambda t: programme_problems(t, cohorts("Spring|2027-01-11||Europe/Paris")), END + 3,
              "cohort 'Spring' has a time zone but no time", "add 'time: HH:MM'"),
    "HB420": (lambda t: programme_problems(t, cohorts("Spring|2027-01-11||", "spring|2027-09-06||")), END + 3,
              "two cohorts are called 'spring'", "the first is cohort 1"),
    "HB421": (lambda t: programme_problems(t, cohorts("Spring 27|2027-01-11||", "Spring-27|2027-09-06||")), END + 3,
              "cohorts 'Spring 27' and 'Spring-27' would share the page 'dates-spring-27'", "differ in letters"),
    "HB422": (lambda t: programme_problems(t, cohorts("Spring|2027-01-11|09:30|", "Early|2027-01-11|09:45|")), END + 5,
              "cohort 'Early' meets at the same time as cohort 'Spring' (session 1 of 'Early' and session 1 of "
              "'Spring', 2027-01-11)", "another day"),
    "HB501": (lambda t: guide_problems(t, b"# Title\n\xff\xfe\n"), 1, "not readable UTF-8 text", "save it as UTF-8"),
    "HB502": (lambda t: guide_problems(t, "# Title\n\n<iframe src=x.html></iframe>\n"), 3,
              "<iframe> is not allowed in a guide", "self-contained"),
    "HB503": (lambda t: guide_problems(t, "# Title\n\n![x](https://example.org/x.png)\n"), 3,
              "'https://example.org/x.png' would be fetched from another host or folder", "keep images beside the page"),
    "HB504": (lambda t: guide_problems(t, "# Title\n\n<p style=\"background: url('https://x.example/a.png')\">x</p>\n"), 3,
              "a style that loads a resource", "self-contained"),
    "HB505": (lambda t: guide_problems(t, "# Title\n\n<p onclick=\"go()\">Hi</p>\n"), 3,
              "the 'onclick' attribute runs script", "self-contained"),
    "HB506": (lambda t: guide_problems(t, "# Title\n\n<a href=\"javascript:go()\">x</a>\n"), 3,
              "links may not use 'javascript:' URLs", "mailto:"),
    "HB507": (lambda t: guide_problems(t, "# Title\n\n![x](../../secret.png)\n"), 3,
              "'../../secret.png' points outside the guides folder", "keep the file inside guides/"),
    "HB508": (lambda t: guide_problems(t, "# Title\n\n<input type=image src=x.png>\n"), 3,
              "<input type=image> loads an image", "Markdown image"),
    "HB509": (lambda t: guide_file(t, "linked.md", link=t.parent / f"{t.name}-outside.md"), 0,
              "points outside the repository", "copy the file into guides/"),
    "HB510": (lambda t: guide_file(t, "my notes.md"), 0, "may use only letters, digits", "rename it"),
    "HB511": (lambda t: guide_file(t, "tool.exe"), 0, "'tool.exe' cannot be published from guides/", ".pdf"),
    "HB512": (lambda t: guide_file(t, "long.md", b"x" * 1_000_001), 0, "larger than 1 MB", "split it"),
}


def test_every_rule_has_a_case():
    assert sorted(CASES) == sorted(RULES)


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule(tmp_path, code):
    make, line, words, hint = CASES[code]
    problems = make(tmp_path)
    ours = [p for p in problems if p.code == code]
    assert ours, f"{code}: expected it among {[p.text() for p in problems]}"
    found = ours[0]
    assert words in found.message, found.text()
    assert hint in found.hint, found.text()
    if line:
        assert found.line == line, found.text()
    rule = RULES[code]
    assert found.severity == rule.severity and f"[{code}]" in found.text()


def test_every_problem_from_the_checks_carries_a_code(tmp_path):
    for code, (make, *_rest) in CASES.items():
        for problem in make(tmp_path / code):
            assert problem.code in RULES, problem


def test_syntax_errors_show_the_line_and_a_caret(tmp_path):
    problems = programme_problems(tmp_path, edit("    title: Kick-off", "    title: Kick-off: the start"))
    assert format_problems(problems).splitlines() == [
        "programs/bridge-builders.yaml:66:20: error: a colon followed by a space inside the text makes YAML read "
        "a second key here; put the whole text in quotes: title: \"Kick-off: the start\" [HB112]",
        "   66 |     title: Kick-off: the start",
        "      |                    ^",
    ]


def test_a_tab_is_pointed_at_where_it_is(tmp_path):
    problems = programme_problems(tmp_path, edit("    title: Wrap-up", "  \ttitle: Wrap-up"))
    assert [(p.code, p.line, p.column) for p in problems] == [("HB111", 103, 3)]


def test_structure_and_programme_rules_are_reported_together(tmp_path):
    text = edit("\nsessions:\n", "\nsesions:\n")  # the sessions cannot be read at all ...
    text = text.replace("        lead: director", "        lead: cfo")  # ... so this one is not seen
    text = text.replace("cadence: weekly", "cadence: daily")
    text = text.replace("date: 2026-01-10", "date: 2026-09-02")
    codes = sorted((p.code, p.line) for p in programme_problems(tmp_path, text))
    assert codes == [("HB201", 64), ("HB204", 31), ("HB416", 126)], codes


def test_one_broken_session_does_not_hide_problems_in_the_others(tmp_path):
    text = edit("    title: First post", "    title: [First, post]")  # session 2 does not validate
    text = text.replace("        lead: director", "        lead: cfo")  # a dangling role in session 1
    text = text.replace("      - minutes: 20\n        step: Review", "      - minutes: 60\n        step: Review")  # session 3
    found = sorted((p.code, p.line) for p in programme_problems(tmp_path, text))
    assert found == [("HB203", 89), ("HB404", 77), ("HB413", 104)], found


def test_a_misspelt_required_key_is_reported_once(tmp_path):
    problems = programme_problems(tmp_path, edit("\nsessions:\n", "\nsesions:\n"))
    assert [p.code for p in problems if "session" in p.message] == ["HB201"]


def test_github_annotations_escape_data_and_properties():
    p = Problem("programs/a,b:c.yaml", 3, 5, "100% wrong\r\nsecond line", "fix: it, now", code="HB209")
    assert p.github() == ("::error file=programs/a%2Cb%3Ac.yaml,line=3,col=5,title=HB209::"
                          "100%25 wrong%0D%0Asecond line; fix: it, now")


def test_rule_codes_are_stable_and_grouped():
    for code, rule in RULES.items():
        assert code.startswith("HB") and len(code) == 5 and rule.severity in ("error", "warning")
        assert rule.summary and rule.message and rule.name
