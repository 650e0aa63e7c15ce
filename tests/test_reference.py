"""The format reference and the validation-rules page: generated, committed, complete and on the site."""

from __future__ import annotations

from bs4 import BeautifulSoup

from conftest import REPO
from generator import reference
from generator.model import json_schema
from generator.rules import RULES


def test_committed_reference_pages_are_up_to_date():
    for rel, text in reference.pages().items():
        assert (REPO / "guides" / rel).read_text(encoding="utf-8") == text, \
            f"guides/{rel} is stale: run 'python -m generator.reference'"
    assert reference.main(["--check"]) == 0


def test_every_key_of_every_model_is_in_the_format_reference():
    page = reference.format_page()
    schema = json_schema()
    for name, node in {"Programme": schema, **schema["$defs"]}.items():
        section = page.split(f"## {reference._model_heading(name)}\n", 1)[1].split("\n## ", 1)[0]
        for key, prop in node["properties"].items():
            row = next((line for line in section.splitlines() if line.startswith(f"| `{key}` |")), None)
            assert row, f"{name}.{key} is missing"
            cells = [c.strip() for c in row.strip("|").split(" | ")]
            assert cells[1] and cells[2] and cells[3] == prop["description"].replace("|", "\\|"), row


def test_every_rule_code_has_its_own_section_with_message_and_fix():
    page = reference.rules_page()
    for code, rule in RULES.items():
        section = page.split(f"### {code} {rule.name}\n", 1)[1].split("\n### ", 1)[0]
        assert rule.summary in section and "- Message: `" in section, code


def test_the_rules_a_key_obeys_link_to_their_sections():
    page = reference.format_page()
    row = next(line for line in page.splitlines() if line.startswith("| `lead` |"))
    assert "[HB404](validation-rules.md#hb404-unknown-role)" in row
    row = next(line for line in page.splitlines() if line.startswith("| `when` |"))
    assert "[HB205](validation-rules.md#hb205-bad-form)" in row and "#hb409-training-after-end" in row


def test_readme_and_scaffold_point_at_the_reference():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "guides/reference/format.md" in readme and "shared/program-format.md" not in readme
    scaffold = (REPO / "theme" / "scaffold" / "programme.yaml.j2").read_text(encoding="utf-8")
    assert "guides/reference/format.md" in scaffold


def test_reference_pages_are_on_the_built_site(built_handbook):
    html = (built_handbook / "reference" / "format" / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    keys = {cell.get_text() for row in soup.select("table tr") for cell in row.select("td:first-child code")}
    assert {"id", "sessions", "agenda", "lead", "when", "workbook"} <= keys
    rules = BeautifulSoup((built_handbook / "reference" / "validation-rules" / "index.html").read_text(encoding="utf-8"),
                          "html.parser")
    for code, rule in RULES.items():
        assert rules.find(id=reference.anchor(f"{code} {rule.name}")), code
    link = soup.find("a", string="HB404")
    assert link["href"].endswith("validation-rules/#hb404-unknown-role")
