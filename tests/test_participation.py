"""Who takes part in what (generator/participation.py), checked in the PDFs a trainer hands out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from conftest import CONTRACT_FILE, REPO
from generator import participation
from generator.labels import english
from generator.model import Programme
from generator.pdf import write_pdf
from generator.validate import check_text
from generator.workbook import jobs_for, render_html

# one question per kind of 'with', each a phrase found nowhere else in the programme
CHECKINS = [
    {"after_session": 1, "title": "Own review", "with": ["coordinator"], "questions": ["Zebra coordinator only?"]},
    {"after_session": 1, "title": "Mentor check", "with": ["coordinator", "mentor"], "questions": ["Walrus mentor only?"]},
    {"after_session": 2, "title": "Everyone check", "with": ["all"], "questions": ["Giraffe everyone?"]},
    {"after_session": 2, "title": "Both check", "with": ["both"], "questions": ["Pelican both roles?"]},
    {"after_session": 3, "title": "Host check", "with": ["host"], "questions": ["Otter host only?"]},
]
EXPECTED = {  # question -> the documents (file name endings) that must hold it, and only those
    "Zebra coordinator only?": {"facilitator-guide", "coordinator-pack"},
    "Walrus mentor only?": {"mentor-workbook", "facilitator-guide", "coordinator-pack"},
    "Giraffe everyone?": {"mentor-workbook", "director-workbook", "facilitator-guide", "coordinator-pack"},
    "Pelican both roles?": {"mentor-workbook", "director-workbook", "facilitator-guide", "coordinator-pack"},
    "Otter host only?": {"facilitator-guide", "coordinator-pack"},
}


def programme() -> Programme:
    data = yaml.safe_load(CONTRACT_FILE.read_text(encoding="utf-8"))
    data["roles"].append({"id": "host", "title": "Host", "workbook": False, "hours_per_week": 0.5})
    data["checkins"] = CHECKINS
    prog, problems = check_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "participation.yaml",
                                expected_id="bridge-builders")
    assert prog is not None and not [p for p in problems if p.severity == "error"], problems
    return prog


def text_of(path: Path) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(path).pages))


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[str, str]:
    """Every document of the programme, rendered to PDF and read back: {file name ending: text}."""
    prog = programme()
    out = tmp_path_factory.mktemp("participation")
    texts = {}
    for job in jobs_for(prog, {"training/upward.md": "Giving feedback upward, the guide"}):
        target = out / Path(job.filename).name
        write_pdf(render_html(prog, job.kind, job.role_id, REPO / "theme", guides=dict(job.guides)), target, REPO / "theme")
        texts[target.stem.removeprefix(prog.id + "-")] = text_of(target)
    return texts


def test_every_kind_of_document_is_built(documents):
    assert set(documents) == {"mentor-workbook", "mentor-session-sheets", "director-workbook",
                              "director-session-sheets", "facilitator-guide", "coordinator-pack"}


@pytest.mark.parametrize("question", sorted(EXPECTED))
def test_each_checkin_question_is_in_exactly_the_expected_documents(documents, question):
    holding = {name for name, text in documents.items() if question in text}
    assert holding == EXPECTED[question]


def test_facilitator_guide_names_who_attends_and_every_prep_item(documents):
    prog = programme()
    guide = documents["facilitator-guide"]
    for view in participation.checkin_views(prog):
        assert f"Who takes part: {english().join(view.attendees)}" in guide  # 'A and B', 'A, B, and C'
    assert "Who takes part: Coordinator and Engineer mentor" in guide
    assert "Who takes part: Engineer mentor and Director" in guide  # [all] and [both]
    for session in prog.sessions:
        for tasks in participation.session_view(prog, session).tasks:
            for step in tasks.prep:
                assert re.sub(r"\s+", " ", step.strip()) in guide, step
            for exercise in tasks.exercises:
                assert exercise.title in guide
    assert "prepares 3 items" not in guide and "prepares one item" not in guide


def test_coordinator_pack_has_checklists_log_and_closing(documents):
    pack = documents["coordinator-pack"]
    for heading in ("Matching checklist", "Kick-off checklist", "Schedule and check-ins", "Themes log",
                    "Re-up and closing", "Evaluation", "Pairing register"):
        assert heading in pack, heading
    assert "Attend all three sessions." in pack  # recognition criteria


def test_guides_are_cited_by_title_never_by_path(documents):
    for name, text in documents.items():
        assert ".md" not in text, name
    assert "Giving feedback upward, the guide" in documents["mentor-workbook"]


# ---------------------------------------------------------------- the resolver itself

def test_resolve_special_words():
    prog = programme()
    titles = lambda refs: [r.id for r in participation.resolve(prog, refs).roles]  # noqa: E731
    assert titles(["all"]) == ["mentor", "director"]  # participant roles only, never the host
    assert titles(["both"]) == ["mentor", "director"]
    assert titles(["coordinator"]) == [] and participation.resolve(prog, ["coordinator"]).coordinator
    assert titles(["host"]) == ["host"] and participation.resolve(prog, ["host"]).coordinator_only
    assert participation.resolve(prog, ["coordinator", "mentor"]).titles() == ["Coordinator", "Engineer mentor"]


def test_checkin_without_with_means_coordinator_and_everyone():
    prog = programme()
    view = participation.checkin_view(prog, prog.checkins[0].model_copy(update={"with_": []}), 1)
    assert view.attendees == ("Coordinator", "Engineer mentor", "Director")
    assert view.in_workbook("mentor") and view.in_workbook("director") and not view.in_workbook("host")


def test_prep_for_all_reaches_participants_not_staff():
    prog = programme()
    session = prog.sessions[0].model_copy(update={"prep": {"all": ["Bring a notebook"], "coordinator": ["Book a room"]}})
    view = participation.session_view(prog, session)
    assert view.for_role("mentor").prep == ("Bring a notebook",)
    assert view.for_role("host").prep == ()
    assert view.coordinator is not None and view.coordinator.prep == ("Book a room",)


def test_site_checkins_page_and_calendar_use_the_same_attendees():
    from generator.calendar import build_calendar
    from generator.pages import programme_pages
    import datetime as dt

    prog = programme()
    page = programme_pages(prog, REPO / "theme", pdfs=False)["programs/bridge-builders/checkins.md"]
    assert "Who takes part: Coordinator" in page
    assert "Who takes part: Engineer mentor and Director" in page  # the language's list words (Babel)
    ical = build_calendar(prog, dt.date(2026, 1, 5)).decode()
    assert "Who takes part: Coordinator and Engineer mentor" in ical
