"""The shipped programme library covers the mentoring models a new user expects."""

from __future__ import annotations

import re

import pytest

from conftest import REPO
from generator.model import exercises_for, prep_for
from generator.validate import load_programmes


@pytest.fixture(scope="module")
def library():
    loaded, problems = load_programmes([REPO / "programs"], guides_dir=REPO / "guides", root=REPO)
    assert problems == []
    return {item.programme.id: item.programme for item in loaded}


def test_every_model_in_the_schema_has_a_programme(library):
    from generator.model import MODELS

    models = {p.model for p in library.values()}
    assert set(MODELS) <= models, set(MODELS) - models
    assert all(p.status == "published" for p in library.values())


def test_programmes_are_complete(library):
    for prog in library.values():
        assert prog.purpose.outcomes and all(o.evidence for o in prog.purpose.outcomes), prog.id
        assert all(r.hours_per_week is not None and r.benefits for r in prog.roles), prog.id
        assert prog.goal_format.examples and prog.training, prog.id
        assert prog.confidentiality.exceptions and prog.confidentiality.administrator_sees, prog.id
        assert prog.agreement and prog.agreement.clauses and prog.checkins, prog.id
        assert prog.evaluation and prog.recognition and prog.changelog, prog.id


def test_circle_has_twelve_timed_meetings(library):
    circle = next(p for p in library.values() if p.model == "circle")
    assert [s.number for s in circle.sessions] == list(range(1, 13))
    assert all(s.agenda and sum(a.minutes for a in s.agenda) <= 60 for s in circle.sessions)


def test_digital_leaders_has_prep_and_exercises_every_session(library):
    prog = library["digital-leaders"]
    assert len(prog.sessions) >= 8
    for session in prog.sessions:
        assert prep_for(session, "reverse-mentor"), session.number
        assert exercises_for(session, "executive") and all(e.steps for e in exercises_for(session, "executive"))
    assert prog.role("reverse-mentor").benefits


def test_guides_are_substantial_and_referenced():
    guides = list((REPO / "guides").rglob("*.md"))
    words = sum(len(re.findall(r"\w+", p.read_text())) for p in guides)
    assert words >= 4000
    for name in ("giving-upward-feedback", "receiving-feedback", "active-listening",
                 "confidentiality-and-boundaries", "psychological-safety"):
        assert (REPO / "guides" / "training" / f"{name}.md").is_file()
    for name in ("smart", "real", "grow"):
        assert (REPO / "guides" / "goals" / f"{name}.md").is_file()


def test_every_programme_defines_a_coordinator(library):
    for prog in library.values():
        coordinator = prog.role("coordinator")
        assert coordinator is not None and coordinator.responsibilities, prog.id
        assert not coordinator.workbook, prog.id
        assert any("reporting line" in r for r in coordinator.responsibilities) or any(
            "reporting line" in r for role in prog.roles for r in role.responsibilities), prog.id


def test_every_outcome_names_where_its_evidence_is_collected(library):
    for prog in library.values():
        for outcome in prog.purpose.outcomes:
            assert outcome.evidence and outcome.collected_by, (prog.id, outcome.role)


def test_every_session_has_prompts_and_the_last_one_closes(library):
    for prog in library.values():
        assert all(s.prompts for s in prog.sessions), prog.id
        last = prog.sessions[-1]
        words = " ".join([last.title, last.purpose or ""] + [a.step for a in last.agenda]).lower()
        assert "evaluation" in words, prog.id
        assert ("close" in words or "closing" in words) and ("continue" in words or "follow-up" in words
                                                            or "keep in touch" in words), prog.id


def test_site_shows_where_evidence_is_collected(built_handbook):
    """The overview names each outcome's collectors; measures are numbered so 'evaluation measure 1' can be found."""
    from bs4 import BeautifulSoup

    overview = BeautifulSoup((built_handbook / "programs/digital-leaders/index.html").read_text(), "html.parser")
    text = " ".join(overview.select_one("article").get_text(" ").split())
    assert "Collected by: Closing review and evaluation measure 1" in text  # the language's list words
    evaluation = BeautifulSoup((built_handbook / "programs/digital-leaders/evaluation/index.html").read_text(),
                               "html.parser")
    measures = [li.get_text(" ", strip=True).replace("\u2019", "'")  # typographic apostrophes, as in the PDFs
                for ol in evaluation.select("article ol") for li in ol.select("li")]
    assert any(m.startswith("Executive's team pulse survey") for m in measures), measures
