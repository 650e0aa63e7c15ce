"""Every PDF of the shipped library, read back as a trainer and a screen reader would.

The library's PDFs are rendered once for this module (no site, PDFs only); every page is then
rasterised at 20 dpi with poppler's pdftoppm (``make test`` installs poppler-utils) to measure how
much of the page body holds ink.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from pypdf import PdfReader

from conftest import REPO
from generator.project import Project
from generator.settings import Settings
from generator.validate import load_programmes
from generator.workbook import build_pdfs

MIN_INK = 0.15  # of the body height: a page holding less than this is "near-empty"
MARGIN_MM = 20  # print.css: @page margin (top and bottom), where the running header and footer sit
DPI = 20


@pytest.fixture(scope="module")
def library_pdfs() -> list[Path]:
    """The shipped library's PDFs, through the project's own PDF cache (keyed by content, so a
    second run, or a run after ``make build``, renders only what changed)."""
    project = Project(REPO)
    loaded, problems = load_programmes([project.programs_dir], guides_dir=project.guides_dir, root=REPO)
    assert not [p for p in problems if p.severity == "error"], problems
    programmes = [item.programme for item in loaded if item.programme and item.programme.status == "published"]
    built = build_pdfs(project, programmes, settings=Settings(jobs=2), progress=lambda *a: None)
    paths = sorted(pdf.folder / pdf.site_path for pdf in built)
    assert len(paths) >= 7 * 4
    return paths


def ink_spans(pdf: Path, out: Path) -> list[float]:
    """Per page: the height between the first and last inked row of the body, as a share of it."""
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is missing: run 'make test' (it installs poppler-utils) or 'apt-get install poppler-utils'")
    prefix = out / pdf.stem
    subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", str(pdf), str(prefix)], check=True)
    spans = []
    for image in sorted(out.glob(f"{pdf.stem}-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1])):
        page = Image.open(image)
        margin = round(MARGIN_MM / 25.4 * DPI)
        body = page.crop((0, margin, page.width, page.height - margin))
        box = body.point(lambda v: 255 if v < 200 else 0).getbbox()
        spans.append(0.0 if box is None else (box[3] - box[1]) / body.height)
    return spans


def test_no_near_empty_page_in_the_shipped_library(library_pdfs, tmp_path):
    near_empty, pages = [], 0
    for pdf in library_pdfs:
        spans = ink_spans(pdf, tmp_path)
        pages += len(spans)
        near_empty += [f"{pdf.name} p.{i}: {span:.0%}" for i, span in enumerate(spans, 1) if span < MIN_INK]
    print(f"\n{len(library_pdfs)} PDFs, {pages} pages, {len(near_empty)} near-empty")
    assert near_empty == []


def texts(pdf: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(pdf).pages)


def test_no_source_path_and_no_ligature_glyph_in_any_pdf(library_pdfs):
    for pdf in library_pdfs:
        text = texts(pdf)
        assert not re.search(r"\w\.md\b", text), pdf.name
        assert not re.search("[\ufb00-\ufb06]", text), pdf.name  # ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ


def _kids(node) -> list:
    kids = node.get("/K")
    return [] if kids is None else list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def structure(pdf: pikepdf.Pdf) -> list:
    found, stack, seen = [], _kids(pdf.Root.StructTreeRoot), set()
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Dictionary) and "/S" in node and node.objgen not in seen:
            seen.add(node.objgen)
            found.append(node)
            stack.extend(_kids(node))
    return found


MCID = re.compile(rb"/([A-Za-z0-9]+)\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")


def test_structure_tree_scopes_artifacts_and_link_names(library_pdfs):
    for path in library_pdfs:
        with pikepdf.open(path) as pdf:
            elements = structure(pdf)
            reachable = {e.objgen for e in elements}
            headers = [e for e in elements if e.get("/S") == "/TH"]
            assert all("/Scope" in e.A for e in headers), path.name
            assert {str(e.A.Scope) for e in headers} <= {"/Row", "/Column"}
            nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
            tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
            paginated = 0
            for number, page in enumerate(pdf.pages):
                content = page.Contents.read_bytes()
                mapping = tree[int(page.obj.StructParents)]
                for _, mcid in MCID.findall(content):  # every tagged run is held by the structure tree
                    ref = mapping[int(mcid)]
                    assert isinstance(ref, pikepdf.Dictionary) and ref.objgen in reachable, (path.name, number)
                paginated += b"/Artifact <</Type /Pagination>> BDC" in content
                for annotation in page.obj.get("/Annots", []):  # links are named by their words, not an id
                    if annotation.get("/Subtype") == "/Link" and "/Dest" in annotation:
                        assert str(annotation.Contents) != str(annotation.Dest), path.name
                        assert not re.fullmatch(r"[a-z0-9-]+", str(annotation.Contents)), path.name
            # running header and footer are pagination artifacts on every page but the cover and certificate
            assert paginated >= len(pdf.pages) - 2, path.name


def test_agenda_tables_have_header_cells_and_tick_boxes_are_fields(library_pdfs):
    workbook = next(p for p in library_pdfs if p.name == "digital-leaders-executive-workbook.pdf")
    with pikepdf.open(workbook) as pdf:
        header_words = []
        for element in structure(pdf):
            if element.get("/S") == "/TH" and element.A.get("/Scope") == "/Column":
                header_words.append(element)
        assert len(header_words) >= 3 * 8  # Time, Step, Lead in every session's agenda
    fields = PdfReader(workbook).get_fields()
    boxes = {name for name, field in fields.items() if field.get("/FT") == "/Btn"}
    assert {"s1_prep_1", "s1_commit_1"} <= boxes
    notes = [name for name in fields if name.endswith("_notes")]
    assert len(notes) >= 8
