"""PDF workbooks read with pypdf: what a trainer prints and a participant fills in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import REPO
from generator.model import Programme
from generator.validate import load_programmes
from generator.workbook import render_html, write_pdf

DOWNLOADS = "programs/bridge-builders/downloads"


def pdf(site: Path, name: str) -> PdfReader:
    return PdfReader(site / DOWNLOADS / name)


def words(reader: PdfReader) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def outline_titles(items) -> list[str]:
    titles = []
    for item in items:
        if isinstance(item, list):
            titles += outline_titles(item)
        else:
            titles.append(item.title)
    return titles


def fonts(reader: PdfReader) -> list[tuple[str, bool]]:
    found = {}
    for page in reader.pages:
        for font in (page.get("/Resources", {}).get("/Font", {}) or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            embedded = bool(descriptor and any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")))
            found[str(font.get("/BaseFont"))] = embedded
    return sorted(found.items())


def test_every_role_gets_a_workbook_and_session_sheets(built_handbook):
    names = sorted(p.name for p in (built_handbook / DOWNLOADS).glob("*.pdf"))
    assert names == [
        "bridge-builders-coordinator-pack.pdf", "bridge-builders-director-session-sheets.pdf", "bridge-builders-director-workbook.pdf",
        "bridge-builders-facilitator-guide.pdf",
        "bridge-builders-mentor-session-sheets.pdf", "bridge-builders-mentor-workbook.pdf",
    ]


def test_workbook_holds_own_tasks_and_not_the_other_roles(built_handbook):
    mentor = words(pdf(built_handbook, "bridge-builders-mentor-workbook.pdf"))
    director = words(pdf(built_handbook, "bridge-builders-director-workbook.pdf"))
    assert "Find three team channels worth following" in mentor
    assert "Collect two examples of great updates" in mentor
    assert "Find three team channels worth following" not in director
    assert "Open the team channel daily" in director and "Reply to every comment" in director
    assert "Open the team channel daily" not in mentor
    # the other role appears only as a one-line mention
    assert "Your director practises: Lurk with purpose." in mentor


def test_workbook_has_cover_contents_agreement_goals_and_certificate(built_handbook):
    reader = pdf(built_handbook, "bridge-builders-mentor-workbook.pdf")
    cover = reader.pages[0].extract_text()
    assert "Bridge Builders" in cover and "Workbook for the engineer mentor" in cover
    assert "1.2.0" in cover and "September 1, 2026" in cover  # the edition date, written for the language
    contents = reader.pages[1].extract_text()
    assert re.search(r"Goal worksheet\s*\.*\s*\d+", contents)
    text = words(reader)
    for words_ in ("What is said stays between the two of you", "Either may end it without blame", "Signature",
                   "Goal worksheet: SMART", "Upward feedback basics", "Role-play a hard conversation",
                   "Certificate of participation", "Attend all three sessions."):
        assert words_ in text, words_
    assert "Listening for directors" not in text  # another role's training
    assert "Midpoint review" not in text  # with: [coordinator] is the coordinator's own review


def test_version_and_page_numbers_on_every_page_but_the_cover(built_handbook):
    reader = pdf(built_handbook, "bridge-builders-director-workbook.pdf")
    total = len(reader.pages)
    for number, page in enumerate(reader.pages[1:], start=2):
        text = page.extract_text()
        if "Certificate of participation" in text:
            continue
        assert "Bridge Builders · v1.2.0" in text and "Director workbook" in text
        assert f"Page {number} of {total}" in text


def test_goal_fields_are_fillable_and_named_after_the_format(built_handbook):
    fields = pdf(built_handbook, "bridge-builders-director-workbook.pdf").get_fields()
    for key in ("specific", "measurable", "achievable", "relevant", "time_bound"):
        assert f"SMART_{key}" in fields
    assert "s1_reflection_1" in fields and "s2_notes" in fields
    assert fields["SMART_specific"].get("/FT") == "/Tx"


def test_accessible_pdf_language_title_tags_bookmarks_fonts(built_handbook):
    reader = pdf(built_handbook, "bridge-builders-mentor-workbook.pdf")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert "/StructTreeRoot" in root
    assert reader.metadata.title == "Bridge Builders: Engineer mentor workbook"
    titles = outline_titles(reader.outline)
    for expected in ("Goal worksheet: SMART", "Session 1: Kick-off", "Session 3: Wrap-up", "Evaluation"):
        assert expected in titles
    found = fonts(reader)
    assert found and all(embedded for _, embedded in found), found


def test_no_embedded_files(built_handbook):
    for path in (built_handbook / DOWNLOADS).glob("*.pdf"):
        root = PdfReader(path).trailer["/Root"]
        names = root.get("/Names", {})
        assert "/EmbeddedFiles" not in names, path


def test_session_sheets_one_page_per_session(built_handbook):
    reader = pdf(built_handbook, "bridge-builders-mentor-session-sheets.pdf")
    assert len(reader.pages) == 3
    assert "Session 2: First post" in reader.pages[1].extract_text()
    assert "Collect two examples of great updates" in reader.pages[1].extract_text()


def test_facilitator_guide_has_training_and_run_sheet(built_handbook):
    text = words(pdf(built_handbook, "bridge-builders-facilitator-guide.pdf"))
    for expected in ("Facilitator guide", "Upward feedback basics", "60 minutes", "Describe behaviour not character",
                     "Run sheet", "0:15–0:45", "Draft the SMART goal", "Listening for directors"):
        assert expected in text


@pytest.fixture(scope="module")
def shipped() -> Programme:
    loaded, _ = load_programmes([REPO / "programs" / "digital-leaders.yaml"], guides_dir=REPO / "guides")
    return loaded[0].programme


def test_letter_paper(tmp_path, shipped):
    html = render_html(shipped, "session-sheets", "executive", REPO / "theme", paper="letter")
    write_pdf(html, tmp_path / "x.pdf", REPO / "theme")
    box = PdfReader(tmp_path / "x.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_fetcher_refuses_files_network_and_attachments(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    html = (
        "<html lang=en><head><title>t</title></head><body><p>x</p>"
        f'<img src="{secret.as_uri()}"><img src="http://127.0.0.1:9/x.png">'
        f'<a rel="attachment" href="{secret.as_uri()}">a</a>'
        f'<link rel="attachment" href="/etc/hostname">'
        f'<style>@import url("{secret.as_uri()}");</style></body></html>'
    )
    refused = write_pdf(html, tmp_path / "out.pdf", REPO / "theme")
    data = (tmp_path / "out.pdf").read_bytes()
    assert b"TOP-SECRET-CONTENT" not in data
    assert "/EmbeddedFiles" not in PdfReader(tmp_path / "out.pdf").trailer["/Root"].get("/Names", {})
    assert any(secret.as_uri() in url for url in refused)
    assert any(url.startswith("http://127.0.0.1:9") for url in refused)
