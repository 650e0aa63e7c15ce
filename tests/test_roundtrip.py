"""Property: any programme the model accepts survives YAML -> load -> validate unchanged."""

from __future__ import annotations

import datetime as dt

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.load import load_text
from generator.model import MODELS, Programme
from generator.validate import check_document

words = st.text(alphabet=st.sampled_from("abcdefghij klmnop?!,.'"), min_size=1, max_size=30).map(str.strip).filter(bool)
slugs = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,5}){0,2}", fullmatch=True)


@st.composite
def programmes(draw):
    role_ids = draw(st.lists(slugs, min_size=2, max_size=4, unique=True))
    minutes = draw(st.integers(30, 120))
    n = draw(st.integers(1, 6))
    sessions = []
    for number in range(1, n + 1):
        steps = draw(st.lists(st.integers(1, 20), max_size=4))
        steps = steps if sum(steps) <= minutes else []
        sessions.append({
            "number": number,
            "title": draw(words),
            "prep": {r: draw(st.lists(words, min_size=1, max_size=3)) for r in draw(st.lists(st.sampled_from(role_ids), unique=True))},
            "agenda": [{"minutes": m, "step": draw(words), "lead": draw(st.sampled_from(role_ids))} for m in steps],
            "exercises": {r: [{"title": draw(words), "minutes": draw(st.integers(1, 60)), "steps": draw(st.lists(words, max_size=3))}]
                          for r in draw(st.lists(st.sampled_from(role_ids), unique=True))},
            "reflection": draw(st.lists(words, max_size=2)),
        })
    version = f"{draw(st.integers(0, 9))}.{draw(st.integers(0, 9))}.{draw(st.integers(0, 9))}"
    return {
        "id": "prog",
        "title": draw(words),
        "version": version,
        "model": draw(st.sampled_from(MODELS)),
        "summary": draw(words),
        "purpose": {"statement": draw(words), "outcomes": [{"role": r, "learns": draw(words)} for r in role_ids[:2]]},
        "roles": [{"id": r, "title": draw(words), "hours_per_week": draw(st.floats(0, 10).map(lambda x: round(x, 1)))} for r in role_ids],
        "schedule": {"cadence": draw(st.sampled_from(["weekly", "fortnightly", "monthly", "once"])), "session_minutes": minutes},
        "goal_format": {"name": draw(st.sampled_from(["SMART", "REAL", "GROW"])), "owner": role_ids[:1]},
        "confidentiality": {"norms": draw(st.lists(words, min_size=1, max_size=3))},
        "sessions": sessions,
        "checkins": [{"after_session": draw(st.integers(1, n)), "title": draw(words), "with": ["coordinator"]}],
        "changelog": [{"version": version, "date": draw(st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1))), "changes": [draw(words)]}],
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programmes())
def test_valid_programmes_round_trip(data):
    expected = Programme.model_validate(data)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    doc, problems = load_text(text, "programs/prog.yaml")
    assert problems == []
    prog, problems = check_document(doc, expected_id="prog")
    assert [p.text() for p in problems] == []
    assert prog == expected
    again = yaml.safe_dump(prog.model_dump(by_alias=True, exclude_unset=True), sort_keys=False)
    prog2, _ = check_document(load_text(again, "programs/prog.yaml")[0], expected_id="prog")
    assert prog2 == prog
