"""Boundaries and branches of the loader and validator that mutation testing showed were unguarded.

Each test pins one decision: the limit itself is allowed and one past it is not, a check really
runs, a location really points where it should.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CONTRACT_FILE, make_project
from generator.load import MAX_ALIAS_NODES, MAX_ALIASES, MAX_FILE_BYTES, MAX_NODES, load_file, load_text
from generator.guides import check_guides
from generator.validate import check_text, load_programmes, programme_files

GOOD = CONTRACT_FILE.read_text(encoding="utf-8")


def edit(old: str, new: str, text: str = GOOD) -> str:
    assert old in text, f"fixture changed: {old!r}"
    return text.replace(old, new, 1)


def codes(text: str, *, guides: Path | None = None, name: str = "bridge-builders") -> list[tuple[str, int]]:
    _, problems = check_text(text, f"{name}.yaml", guides_dir=guides, expected_id=name)
    return [(p.code, p.line) for p in problems]


# ---------------------------------------------------------------- loader limits

def test_a_file_of_exactly_the_size_limit_is_read(tmp_path):
    padding = MAX_FILE_BYTES - len(GOOD.encode()) - 2
    text = GOOD + "#" + "x" * padding + "\n"
    path = tmp_path / "bridge-builders.yaml"
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size == MAX_FILE_BYTES
    doc, problems = load_file(path)
    assert problems == [] and doc.data["id"] == "bridge-builders"
    path.write_text(text + "#", encoding="utf-8")
    _, problems = load_file(path)
    assert [p.code for p in problems] == ["HB102"] and f"({MAX_FILE_BYTES + 1} bytes)" in problems[0].message


def test_the_alias_limit_itself_is_allowed():
    def aliases(n: int) -> str:
        return "base: &b {k: v}\nitems: [" + ", ".join(["*b"] * n) + "]\n"
    doc, problems = load_text(aliases(MAX_ALIASES), "x.yaml")
    assert problems == [] and len(doc.data["items"]) == MAX_ALIASES and doc.data["items"][0] == {"k": "v"}
    _, problems = load_text(aliases(MAX_ALIASES + 1), "x.yaml")
    assert [p.code for p in problems] == ["HB122"]


def test_repeated_scalars_are_not_aliases():
    doc, problems = load_text("a: &a word\nb: [" + ", ".join(["*a"] * (MAX_ALIASES * 2)) + "]\n", "x.yaml")
    assert problems == [] and doc.data["b"][-1] == "word"


def test_alias_expansion_limit_counts_repeated_nodes_only():
    def repeated(n: int) -> str:
        return "a: &a [" + ", ".join(["x"] * n) + "]\nb: *a\n"
    doc, problems = load_text(repeated(MAX_ALIAS_NODES), "x.yaml")  # the items the alias repeats: the limit
    assert problems == [] and len(doc.data["b"]) == MAX_ALIAS_NODES
    _, problems = load_text(repeated(MAX_ALIAS_NODES + 1), "x.yaml")
    assert [p.code for p in problems] == ["HB120"]


def test_the_node_limit(tmp_path):
    items = MAX_NODES - 3  # the root mapping, the key's value list, and the items
    doc, problems = load_text("a: [" + ",".join(["1"] * items) + "]\n", "x.yaml")
    assert problems == [] and len(doc.data["a"]) == items
    _, problems = load_text("a: [" + ",".join(["1"] * (items + 2)) + "]\n", "x.yaml")
    assert [p.code for p in problems] == ["HB120"]


def test_merge_keys_fill_in_what_is_not_written():
    doc, problems = load_text("base: &b {x: 1, y: 2}\nthing:\n  <<: *b\n  y: 3\n", "x.yaml")
    assert problems == [] and doc.data["thing"] == {"y": 3, "x": 1}
    doc, problems = load_text("a: &a {x: 1}\nb: &b {y: 2}\nthing:\n  <<: [*a, *b]\n", "x.yaml")
    assert problems == [] and doc.data["thing"] == {"x": 1, "y": 2}
    _, problems = load_text("a: &a [1]\nthing:\n  <<: *a\n", "x.yaml")
    assert [(p.code, p.line) for p in problems] == [("HB123", 1)]


def test_merged_keys_count_as_alias_nodes():
    many = ", ".join(f"k{i}: v" for i in range(MAX_ALIAS_NODES + 1))
    _, problems = load_text(f"a: &a {{{many}}}\nthing:\n  <<: *a\n", "x.yaml")
    assert [p.code for p in problems] == ["HB120"]


def test_a_self_containing_mapping_is_refused():
    _, problems = load_text("a: &a\n  b: *a\n", "x.yaml")
    assert [p.code for p in problems] == ["HB121"]


def test_keys_and_values_remember_their_lines():
    doc, problems = load_text("id: x\nlist:\n  - a\n  - b: 1\n    c: [2]\n", "x.yaml")
    assert problems == []
    assert doc.keys[("list",)] == (2, 1) and doc.values[("list", 1, "b")] == (4, 8)
    assert doc.where(("list", 1, "c")) == (5, 8) and doc.where(("list", 1, "c"), key=True) == (5, 5)
    assert doc.where(("list", 1, "missing")) == (4, 5)  # nearest parent that exists
    assert doc.where(("nowhere",)) == (1, 1)


@pytest.mark.parametrize("text,code,line,col", [
    ("id: x\n? [a]\n: b\n", "HB117", 2, 3),
    ("id: x\nn: !!binary aGk=\n", "HB118", 2, 4),
    ("id: x\nl: !!set {a}\n", "HB118", 2, 4),
    ("id: x\nl: !!omap [a: 1]\n", "HB118", 2, 4),
    ("\n\n- a\n", "HB106", 3, 1),
    ("'just text'\n", "HB106", 1, 1),
    ("id: a\n---\nid: b\n", "HB105", 3, 1),
    ("\n\n# nothing\n", "HB104", 1, 1),
    ("id: a\nid: b\n", "HB116", 2, 1),
])
def test_loader_refusals_point_at_the_construct(text, code, line, col):
    _, problems = load_text(text, "x.yaml")
    assert [(p.code, p.line, p.column) for p in problems] == [(code, line, col)]


# ---------------------------------------------------------------- programme rules at their boundaries

def test_training_in_the_last_week_is_fine_one_after_is_not():
    assert codes(edit("when: week-2", "when: week-3")) == []
    assert codes(edit("when: week-2", "when: week-4")) == [("HB409", 56)]


def test_changelog_entries_of_the_same_day_are_in_order():
    assert codes(edit("date: 2026-01-10", "date: 2026-09-01")) == []
    assert codes(edit("date: 2026-01-10", "date: 2026-09-02")) == [("HB416", 126)]


def test_only_the_first_changelog_disorder_is_reported():
    text = edit("changelog:\n", "changelog:\n  - version: 1.2.0\n    date: 2026-08-01\n")
    text = edit("  - version: 1.2.0\n    date: 2026-09-01", "  - version: 1.1.5\n    date: 2026-09-01", text)
    text = edit("date: 2026-01-10", "date: 2026-12-10", text)
    assert codes(text) == [("HB416", 125)]


def test_an_agenda_that_fills_the_session_exactly_is_fine():
    assert codes(edit("      - minutes: 30\n        step: Draft", "      - minutes: 30\n        step: Draft")) == []
    assert codes(edit("      - minutes: 30\n        step: Draft", "      - minutes: 31\n        step: Draft")) == [("HB413", 71)]


def test_a_session_of_its_own_length_is_measured_by_it():
    text = edit("    title: Wrap-up\n", "    title: Wrap-up\n    minutes: 15\n")
    assert codes(text) == [("HB413", 105)]
    text = edit("    title: First post\n    minutes: 45", "    title: First post\n    minutes: 60")
    text = edit("      - minutes: 45\n        step: Write", "      - minutes: 60\n        step: Write", text)
    assert codes(text) == []


def test_a_checkin_after_the_last_session_is_fine_one_after_is_not():
    assert codes(edit("after_session: 2", "after_session: 3")) == []
    assert codes(edit("after_session: 2", "after_session: 4")) == [("HB414", 110)]


def test_only_the_first_numbering_gap_is_reported():
    text = edit("  - number: 2", "  - number: 5")
    assert codes(text) == [("HB412", 88)]


def test_the_first_session_must_be_number_one():
    assert codes(edit("  - number: 1\n    title: Kick-off", "  - number: 2\n    title: Kick-off")) == [("HB412", 65)]


def test_duplicate_goal_fields_and_training_ids_name_the_second():
    text = edit("      prompt: Which tool, which habit?\n", "      prompt: Which tool, which habit?\n    - key: extra\n"
                "    - key: extra\n")
    assert codes(text) == [("HB406", 43)]
    text = edit("  - id: listening", "  - id: upward-feedback")
    assert codes(text) == [("HB408", 53)]


def test_three_roles_with_one_repeated_id_is_one_problem():
    role = "  - id: mentor\n    title: Second mentor\n"
    assert codes(edit("schedule:\n", role + "schedule:\n")) == [("HB403", 30)]


def test_goal_examples_may_use_text_title_and_the_fields_of_their_format():
    ok = "    - specific: One thing\n      title: A title\n      text: Some text\n      measurable: Counted"
    assert codes(edit("    - Post one useful update on the team channel every Friday for four weeks.", ok)) == []
    bad = "    - specific: One thing\n      owner: me"
    assert codes(edit("    - Post one useful update on the team channel every Friday for four weeks.", bad)) == [
        ("HB407", 44)]


def test_custom_goal_fields_are_known_to_examples():
    text = edit("  name: SMART", "  name: custom")
    text = edit("    - Post one useful update on the team channel every Friday for four weeks.",
                "    - specific: the custom field\n      measurable: not a custom field", text)
    assert codes(text) == [("HB407", 44)]


def test_a_custom_format_with_fields_is_fine():
    assert codes(edit("  name: SMART", "  name: custom")) == []


@pytest.mark.parametrize("guide,ok", [
    ("training/upward.md", True),
    ("training/upward.txt", False),
    ("/etc/upward.md", False),
    ("\\\\server\\upward.md", False),
    ("training/../../upward.md", False),
    ("https://example.org/upward.md", False),
])
def test_guide_paths(tmp_path, guide, ok):
    root = make_project(tmp_path)
    found = codes(edit("guide: training/upward.md", f"guide: '{guide}'"), guides=root / "guides")
    assert (found == []) is ok, found
    if not ok:
        assert ("HB410", 51) in found


def test_guides_are_looked_up_only_when_a_guides_folder_is_given(tmp_path):
    text = edit("guide: training/upward.md", "guide: training/missing.md")
    assert codes(text) == []
    assert codes(text, guides=make_project(tmp_path) / "guides") == [("HB411", 51)]


def test_role_references_everywhere(tmp_path):
    assert codes(edit("owner: [director, mentor]", "owner: director")) == []
    assert codes(edit("owner: [director, mentor]", "owner: boss")) == [("HB404", 37)]
    assert codes(edit("owner: [director, mentor]", "owner: [director, boss]")) == [("HB404", 37)]
    assert codes(edit("for: [mentor]", "for: boss")) == [("HB404", 47)]
    assert codes(edit("with: [coordinator]", "with: [all, both, boss]")) == [("HB404", 112)]
    assert codes(edit("with: [coordinator]", "with: boss")) == [("HB404", 112)]
    assert codes(edit("        lead: mentor", "        lead: all")) == []
    assert codes(edit("      director: [List the tools you open every day]", "      all: [Bring the agenda]")) == []
    assert codes(edit("      mentor: [Collect two examples of great updates]", "      boss: [Collect]")) == [("HB404", 92)]


def test_unknown_role_lists_the_roles():
    _, problems = check_text(edit("        lead: director", "        lead: cfo"), "bridge-builders.yaml")
    assert problems[0].hint == "roles defined in this programme: mentor, director"
    assert problems[0].message == "unknown role 'cfo'"


def test_id_is_checked_against_the_file_only_when_asked():
    assert codes(GOOD, name="other")[:1] == [("HB401", 1)]
    _, problems = check_text(GOOD, "x.yaml", expected_id=None)
    assert problems == []


def test_content_rules_allow_anchors_and_mail_but_nothing_else():
    base = "summary: Junior engineers show directors how modern teams work online."
    for text, expected in [
        ("summary: See [the agenda](#agenda).", []),
        ("summary: Write to [us](MAILTO:x@example.org).", []),
        ("summary: '![a][b]'", ["HB302"]),
        ("summary: '[a](https://example.org) and https://example.org'", ["HB303"]),
        ("summary: 'www.example.org is it'", ["HB304"]),
        ("summary: 'ftp://example.org'", ["HB304"]),
        ("summary: <img src=x>", ["HB301"]),
        ("summary: a <!-- b", ["HB301"]),
    ]:
        found = [code for code, _ in codes(edit(base, text))]
        assert found == expected, (text, found)


# ---------------------------------------------------------------- words of structural problems

@pytest.mark.parametrize("old,new,message", [
    ("title: Bridge Builders", "title: true", "'title' should be text, not 'true' (true/false)"),
    ("title: Bridge Builders", "title:", "'title' should be text, not nothing (an empty value)"),
    ("title: Bridge Builders", "title: {a: b, c: d}", "'title' should be text, not a mapping"),
    ("version: 1.2.0", "version: " + "x" * 45, "'version' must be a semantic version, not '" + "x" * 40 + "…'"),
    ("session_minutes: 45", "session_minutes: 4.5", "'session_minutes' should be a whole number, not the number 4.5"),
    ("  - number: 2", "  - number: two", "'number' should be a whole number, not 'two'"),
    ("    title: Wrap-up\n", "    title: Wrap-up\n    exercises:\n      director:\n        - titel: x\n",
     "unknown key 'titel' (did you mean 'title'?)"),
    ("    title: First post\n", "", "missing required key 'title' in item 2 of 'sessions'"),
    ("cadence: weekly", "cadence: weekley", "'cadence' cannot be 'weekley' (did you mean 'weekly'?)"),
    ("  - id: director", "  - id: Director", "'id' must be a slug: lowercase letters, digits and single hyphens, not 'Director'"),
    ("when: week-2", "when: week-0", "'when' must be 'before-kickoff', 'any' or 'week-N', not 'week-0'"),
    ("language: en", "language: english", "'language' must be a language tag, not 'english'"),
    ("hours_per_week: 1.5", "hours_per_week: 41", "'hours_per_week' is out of range: input should be less than or equal to 40"),
])
def test_structural_messages(old, new, message):
    _, problems = check_text(edit(old, new), "bridge-builders.yaml")
    assert any(message in p.message for p in problems), [p.text() for p in problems]


def test_unknown_key_with_no_close_name_lists_the_allowed_keys():
    _, problems = check_text(edit("  pilot_size: 10 pairs", "  pilot_size: 10 pairs\n  zzz: 1"), "x.yaml")
    assert problems[0].hint == "allowed keys here: cadence, session_minutes, reup_after_weeks, pilot_size"


def test_a_colon_that_made_a_mapping_is_explained():
    _, problems = check_text(edit("    title: Kick-off", "    title: {Kick-off: the start}"), "x.yaml")
    assert "put the whole text in quotes" in problems[0].hint


def test_the_typo_is_reported_instead_of_a_missing_key_but_other_missing_keys_stay():
    text = edit("summary: Junior", "sumary: Junior")
    text = edit("  statement: Directors learn the tools their teams use; engineers learn how directors decide.\n", "", text)
    found = codes(text)
    assert ("HB201", 7) in found and ("HB202", 8) in found
    assert [c for c, _ in found].count("HB202") == 1


# ---------------------------------------------------------------- files and guides

def test_programme_files_takes_yaml_and_yml_sorted(tmp_path):
    folder = tmp_path / "programs"
    folder.mkdir()
    for name in ("b.yaml", "a.yml", "c.txt", "d.yaml.bak"):
        (folder / name).write_text("x")
    (folder / "e.yaml").mkdir()
    files, problems = programme_files([folder, tmp_path / "missing.yaml", folder / "b.yaml"])
    assert [f.name for f in files] == ["a.yml", "b.yaml", "b.yaml"]
    assert [(p.code, p.file) for p in problems] == [("HB101", (tmp_path / "missing.yaml").as_posix())]


def test_an_invalid_file_still_claims_its_id(tmp_path):
    root = make_project(tmp_path, {"bridge-builders": edit("cadence: weekly", "cadence: daily")})
    (root / "programs" / "zz.yaml").write_text(GOOD, encoding="utf-8")
    loaded, problems = load_programmes([root / "programs"], guides_dir=root / "guides", root=root)
    assert ("HB402", "programs/zz.yaml") in [(p.code, p.file) for p in problems]
    assert all(item.programme is None for item in loaded)


def test_valid_programmes_are_returned(tmp_path):
    root = make_project(tmp_path, {"bridge-builders": GOOD})
    loaded, problems = load_programmes([root / "programs"], guides_dir=root / "guides", root=root)
    assert problems == [] and loaded[0].programme.id == "bridge-builders"


def test_guide_checks_skip_code_and_report_each_line(tmp_path):
    root = make_project(tmp_path)
    page = root / "guides" / "training" / "extra.md"
    page.write_text("# T\n\n```html\n<img src=x>\n```\n\n    <script>x</script>\n\nUse `<img>` here.\n"
                    "~~~\n![x](https://a.example/x.png)\n~~~\n![local](pic.png)\n<iframe src=y>\n<IMG src=z>\n",
                    encoding="utf-8")
    problems = [p for p in check_guides(root / "guides", root) if p.file.endswith("extra.md")]
    # code blocks and inline code are shown, not run; a local image and a relative <img> are files of the site
    assert [(p.code, p.line, p.column) for p in problems] == [("HB502", 14, 1)]
    assert problems[0].message == "<iframe> is not allowed in a guide (it runs, embeds or fetches something)"
    assert problems[0].file == "guides/training/extra.md"


def test_guide_checks_without_a_guides_folder(tmp_path):
    assert check_guides(tmp_path / "none", tmp_path) == []


# ---------------------------------------------------------------- exact places and second-order paths

@pytest.mark.parametrize("old,new,code,line,col", [
    ("title: Bridge Builders", 'title: "Bridge Builders', "HB113", 2, 8),
    ("    title: Kick-off", "    title: 'Kick-off", "HB113", 66, 12),
    ("  cadence: weekly", "   cadence: weekly", "HB114", 32, 3),
    ("  cadence: weekly", " cadence: weekly", "HB114", 32, 3),
    ("  cadence: weekly", "  # a note\n   cadence: weekly", "HB114", 33, 3),
    ("  cadence: weekly", "\tcadence: weekly", "HB111", 31, 1),
    ("    title: Kick-off", "    title: Kick-off: the start", "HB112", 66, 20),
    ("  organisational_goals: [Better digital decisions]", "  organisational_goals: [Better digital decisions",
     "HB124", 10, 25),
    ("  organisational_goals: [Better digital decisions]", "  organisational_goals: [Why: because: reasons]",
     "HB115", 10, 25),
])
def test_syntax_problems_point_at_the_right_column(old, new, code, line, col):
    _, problems = load_text(edit(old, new), "x.yaml")
    assert [(p.code, p.line, p.column) for p in problems] == [(code, line, col)], [p.text() for p in problems]


def test_a_quote_problem_names_the_quote_and_the_line():
    _, problems = load_text(edit("    title: Kick-off", "    title: 'Kick-off"), "x.yaml")
    assert problems[0].message == "the single quote opened on line 66 is never closed"
    assert problems[0].hint == "add the closing ' at the end of the text"
    assert problems[0].source == "    title: 'Kick-off"


def test_a_missing_file_has_no_line(tmp_path):
    _, problems = load_file(tmp_path / "gone.yaml", "programs/gone.yaml")
    assert [(p.code, p.file, p.line, p.column) for p in problems] == [("HB101", "programs/gone.yaml", 0, 0)]
    assert problems[0].message == "cannot read the file: No such file or directory"


def test_size_and_encoding_problems_say_how_big_and_where(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_bytes(b"id: x\n#" + b"\xff")
    _, problems = load_file(path)
    assert [(p.code, p.line, p.column) for p in problems] == [("HB103", 1, 1)] and "(byte 7)" in problems[0].message
    path.write_bytes(b"#" * (MAX_FILE_BYTES + 5))
    _, problems = load_file(path)
    assert problems[0].message == f"the file is too large ({MAX_FILE_BYTES + 5} bytes)"
    assert (problems[0].line, problems[0].column) == (1, 1)


def test_refusals_inside_the_walk_point_at_their_column():
    _, problems = load_text("id: x\nnested:\n  deeper: !!binary aGk=\n", "x.yaml")
    assert [(p.line, p.column) for p in problems] == [(3, 11)]
    assert problems[0].message == "the tag '!!binary' is not allowed in a programme file"


def test_an_invalid_programme_is_never_returned():
    prog, problems = check_text(edit("cadence: weekly", "cadence: daily"), "bridge-builders.yaml")
    assert prog is None and problems
    prog, problems = check_text(edit("        lead: director", "        lead: cfo"), "bridge-builders.yaml")
    assert prog is None and [p.code for p in problems] == ["HB404"]
    prog, problems = check_text(GOOD, "bridge-builders.yaml")
    assert prog is not None and prog.id == "bridge-builders" and problems == []


def test_role_problems_point_at_the_value_or_the_key():
    _, problems = check_text(edit("        lead: director", "        lead: cfo"), "x.yaml")
    assert [(p.line, p.column) for p in problems] == [(77, 15)]  # the value
    _, problems = check_text(edit("      mentor: [Collect two examples of great updates]", "      boss: [Collect]"), "x.yaml")
    assert [(p.line, p.column) for p in problems] == [(92, 7)]  # the key of the prep list


def test_a_typo_in_a_required_key_of_a_list_item_is_reported_once():
    found = codes(edit("  - id: director\n    title: Director", "  - id: director\n    titel: Director"))
    assert found == [("HB201", 26)]


def test_numbering_is_checked_across_a_session_that_does_not_validate():
    text = edit("  - number: 2\n    title: First post", "  - number: 5\n    title: [First, post]")
    found = codes(text)
    assert ("HB412", 88) in found and ("HB203", 89) in found


def test_a_session_number_that_cannot_be_read_stops_the_numbering_check():
    text = edit("  - number: 2\n    title: First post", "  - number: two\n    title: First post")
    text = edit("  - number: 3", "  - number: 7", text)
    assert [c for c, _ in codes(text)] == ["HB203"]


def test_checks_skip_what_cannot_be_read():
    text = edit("roles:\n", "roles: nobody\nx_roles:\n")  # no list of roles: no role can be called unknown
    assert "HB404" not in [c for c, _ in codes(text)]
    text = edit("schedule:\n  cadence: weekly\n  session_minutes: 45", "schedule:\n  cadence: weekly\n  session_minutes: x")
    text = edit("      - minutes: 30\n        step: Draft", "      - minutes: 300\n        step: Draft", text)
    assert "HB413" not in [c for c, _ in codes(text)]  # the session's length is unknown
