"""The JSON Schema that editors use agrees with ``handbook validate``: valid files are not underlined."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import FIXTURES, REPO
from generator.model import json_schema
from generator.scaffold import PRESETS, scaffold

SCHEMA = json.loads((REPO / "schema" / "program.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def as_editor_sees(text: str):
    """YAML as an editor's language server hands it to the schema: dates are text."""
    data = yaml.safe_load(text)
    return json.loads(json.dumps(data, default=lambda v: v.isoformat() if isinstance(v, dt.date) else str(v)))


def errors(text: str) -> list[str]:
    return [f"{list(e.path)}: {e.message}" for e in VALIDATOR.iter_errors(as_editor_sees(text))]


def test_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", sorted((REPO / "programs").glob("*.yaml")) + sorted(FIXTURES.glob("*.yaml")),
                         ids=lambda p: p.name)
def test_shipped_programmes_and_fixtures_match_the_schema(path: Path):
    assert errors(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("model", sorted(PRESETS))
def test_scaffolds_match_the_schema(model):
    assert errors(scaffold("my-programme", model, REPO / "theme")) == []


def test_a_single_role_and_an_empty_optional_key_are_fine():
    text = (FIXTURES / "bridge-builders.yaml").read_text(encoding="utf-8")
    text = text.replace("owner: [director, mentor]", "owner: director").replace("for: [mentor]", "for: mentor")
    text = text[:text.index("checkins:\n")] + "checkins:\n" + text[text.index("evaluation:\n"):]
    assert yaml.safe_load(text)["checkins"] is None
    assert errors(text) == []


@pytest.mark.parametrize("old,new,words", [
    ("summary:", "sumary:", "Additional properties are not allowed ('sumary' was unexpected)"),
    ("  pilot_size: 10 pairs", "  pilot_size: 10 pairs\n  colour: blue", "'colour' was unexpected"),
    ("cadence: weekly", "cadence: daily", "'daily' is not one of"),
    ("session_minutes: 45", "session_minutes: forty", "'forty' is not of type 'integer'"),
])
def test_schema_still_refuses_what_validate_refuses(old, new, words):
    text = (FIXTURES / "bridge-builders.yaml").read_text(encoding="utf-8")
    assert old in text
    assert any(words in e for e in errors(text.replace(old, new, 1))), errors(text.replace(old, new, 1))


def _properties(node, found):
    if isinstance(node, dict):
        for name, prop in node.get("properties", {}).items():
            found.append((name, bool(prop.get("description"))))
        for value in node.values():
            _properties(value, found)
    elif isinstance(node, list):
        for value in node:
            _properties(value, found)
    return found


def test_editors_have_a_description_for_nearly_every_key():
    found = _properties(json_schema(), [])
    described = sum(1 for _, has in found if has)
    assert len(found) >= 80 and described / len(found) >= 0.9, [name for name, has in found if not has]
