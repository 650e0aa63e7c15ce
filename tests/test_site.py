"""The built site, read as a participant would: parse the HTML each site engine (MkDocs, Zensical) wrote."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

from conftest import CONTRACT_FILE, copy_handbook, engine_of, run_handbook, search_texts


def page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def text_of(soup: BeautifulSoup) -> str:
    return re.sub(r"\s+", " ", soup.select_one("article").get_text(" "))


def test_catalogue_lists_programmes_with_links_to_each_session(built_site):
    home = page(built_site, "")
    cards = home.select(".hb-catalogue .hb-card")
    titles = [c.select_one("a").get_text() for c in cards]
    assert titles == ["Bridge Builders", "Digital Leaders", "Tiny Peers"]
    bridge = cards[0]
    assert "Reverse mentoring (technical)" in bridge.get_text()
    assert "every week" in bridge.get_text() and "Engineer mentor" in bridge.get_text()
    session_links = [a["href"] for a in bridge.select("a") if not a.find_parent(class_="hb-week")][1:]
    assert session_links == [f"programs/bridge-builders/sessions/session-0{n}/" for n in (1, 2, 3)]
    for href in session_links:  # "my programme, this week" is one click from home
        assert (built_site / href / "index.html").is_file()


def test_session_page_has_a_tab_per_role_with_prep_and_exercise_steps(built_site):
    soup = page(built_site, "programs/bridge-builders/sessions/session-01")
    labels = [label.get_text(strip=True) for label in soup.select(".tabbed-labels label")]
    assert labels == ["Engineer mentor", "Director"]
    blocks = soup.select(".tabbed-content .tabbed-block")
    mentor, director = (re.sub(r"\s+", " ", b.get_text(" ")) for b in blocks)
    assert "Find three team channels worth following" in mentor
    assert "Lurk with purpose" in director and "Note one recurring question" in director
    assert "Lurk with purpose" not in mentor
    agenda = [td.get_text(strip=True) for td in soup.select("article table td")]
    assert "0:00–0:15" in agenda and "Introductions" in agenda and "0:15–0:45" in agenda


def test_every_programme_page_shows_the_version(built_site):
    folder = built_site / "programs" / "bridge-builders"
    pages = sorted(p.parent for p in folder.rglob("index.html"))
    assert len(pages) == 8 + 3 + 2  # 2 cohorts: a Dates page each
    for path in pages:
        soup = BeautifulSoup((path / "index.html").read_text(encoding="utf-8"), "html.parser")
        assert "version 1.2.0" in re.sub(r"\s+", " ", soup.select_one(".hb-meta").get_text()), path


def test_goals_page_explains_format_fields_and_examples(built_site):
    text = text_of(page(built_site, "programs/bridge-builders/goals"))
    for words in ("Goals: SMART", "Specific", "Which tool, which habit?", "Measurable", "Time-bound",
                  "Post one useful update on the team channel every Friday"):
        assert words in text


def test_overview_has_outcomes_roles_hours_and_a_timeline(built_site):
    soup = page(built_site, "programs/bridge-builders")
    text = text_of(soup)
    assert "Posts weekly on the team channel by session 3." in text
    assert "about 1 h 30 min a week" in text
    svg = soup.select_one(".hb-timeline svg")
    assert len(svg.select(".hb-tl-session")) == 3
    assert len(svg.select(".hb-tl-checkin")) == 1
    assert svg.select_one(".hb-tl-reup") is not None


def test_downloads_page_links_pdfs_that_exist(built_site):
    soup = page(built_site, "programs/bridge-builders/downloads")
    links = [a["href"] for a in soup.select("article a[href]") if a["href"].endswith(".pdf")]
    assert len(links) == 6 and "bridge-builders-coordinator-pack.pdf" in [Path(href).name for href in links]
    base = built_site / "programs" / "bridge-builders" / "downloads"
    for href in links:
        assert (base / href).resolve().is_file(), href


def test_training_page_links_the_guide(built_site):
    soup = page(built_site, "programs/bridge-builders/training")
    hrefs = [a["href"] for a in soup.select("article a.md-button")]
    assert hrefs == ["../../../training/upward/"]
    assert (built_site / "training" / "upward" / "index.html").is_file()


def test_search_index_holds_programme_words(built_site):
    texts = search_texts(built_site)
    assert "Lurk with purpose" in texts and "Publish a weekly update" in texts


CDN_HOSTS = ("fonts.googleapis.com", "fonts.gstatic.com", "unpkg.com", "cdn.jsdelivr.net", "cdnjs.cloudflare.com")


def test_html_and_css_reference_no_third_party_host(built_site):
    offenders = []
    for path in built_site.rglob("*"):
        if path.suffix in (".html", ".css", ".json", ".xml"):
            data = path.read_text(encoding="utf-8", errors="ignore")
            offenders += [(path.relative_to(built_site).as_posix(), h) for h in CDN_HOSTS if h in data]
    assert offenders == []


# Zensical's bundle has more of them: Pyodide + Ace (markdown-exec), glightbox (image zoom), Mermaid 12 —
# none is used by our pages, and the Content-Security-Policy (script-src 'self') would refuse them anyway
CONDITIONAL_LOADERS = {
    "mkdocs": {"https://unpkg.com/resize-observer-polyfill", "https://unpkg.com/mermaid@11/dist/mermaid.min.js"},
    "zensical": {"https://unpkg.com/resize-observer-polyfill", "https://unpkg.com/mermaid@12/dist/mermaid.min.js", "https://unpkg.com/pyodide@314.0.2/pyodide.js",
                 "https://cdn.jsdelivr.net/pyodide/v314.0.2/full/", "https://unpkg.com/ace-builds@1.44.0/src-noconflict/ace.js",
                 "https://unpkg.com/glightbox@3/dist/css/glightbox.min.css", "https://unpkg.com/glightbox@3/dist/js/glightbox.min.js"},
}


def test_theme_script_only_has_conditional_cdn_loaders(built_site):
    """Material's bundle can lazy-load a mermaid renderer and a ResizeObserver polyfill; our pages
    have no diagrams and every supported browser has ResizeObserver, so neither is ever requested
    (the browser test records every request to prove it)."""
    for path in built_site.rglob("*.js"):
        urls = set(re.findall(r"https?://[^\s\"'`)]+", path.read_text(encoding="utf-8", errors="ignore")))
        cdn = {u for u in urls if any(h in u for h in CDN_HOSTS)}
        assert cdn <= CONDITIONAL_LOADERS[engine_of(built_site)], cdn


def test_drafts_are_left_out_unless_asked(tmp_path):
    draft = CONTRACT_FILE.read_text(encoding="utf-8").replace("status: published", "status: draft")
    root = copy_handbook(tmp_path / "h", {"bridge-builders": draft})
    run = run_handbook(root, "build", "--no-pdfs")
    assert run.returncode == 0, run.stderr
    assert not (root / "site" / "programs" / "bridge-builders").exists()
    run = run_handbook(root, "build", "--no-pdfs", "--drafts")
    assert run.returncode == 0, run.stderr
    assert "draft" in page(root / "site", "programs/bridge-builders").select_one(".hb-meta").get_text()


def test_invalid_programme_stops_the_build_and_keeps_old_output(tmp_path):
    root = copy_handbook(tmp_path / "h", {"bridge-builders": CONTRACT_FILE.read_text(encoding="utf-8")})
    assert run_handbook(root, "build", "--no-pdfs").returncode == 0
    before = {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    (root / "programs" / "bridge-builders.yaml").write_text(
        CONTRACT_FILE.read_text(encoding="utf-8").replace("lead: mentor", "lead: mentr"), encoding="utf-8")
    run = run_handbook(root, "build", "--no-pdfs")
    assert run.returncode == 1
    assert "programs/bridge-builders.yaml:74:15: error: unknown role 'mentr' (did you mean 'mentor'?)" in run.stdout
    assert "Traceback" not in run.stdout + run.stderr
    after = {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    assert after == before


def test_programme_with_only_required_keys_builds(built_handbook):
    text = text_of(page(built_handbook, "programs/tiny-peers/sessions/session-01"))
    assert "The only meeting" in text and "Nothing to prepare this time" in text
    assert "a single event of 30 minutes" in text_of(page(built_handbook, "programs/tiny-peers"))
    goals = text_of(page(built_handbook, "programs/tiny-peers/goals"))
    assert "Aim" in goals
    pdfs = sorted(p.name for p in (built_handbook / "programs" / "tiny-peers" / "downloads").glob("*.pdf"))
    assert pdfs == ["tiny-peers-coordinator-pack.pdf", "tiny-peers-facilitator-guide.pdf", "tiny-peers-peer-a-session-sheets.pdf",
                    "tiny-peers-peer-a-workbook.pdf", "tiny-peers-peer-b-session-sheets.pdf", "tiny-peers-peer-b-workbook.pdf"]


def test_guide_that_would_fetch_from_elsewhere_is_refused(tmp_path):
    root = copy_handbook(tmp_path / "h", {"bridge-builders": CONTRACT_FILE.read_text(encoding="utf-8")})
    (root / "guides" / "training" / "upward.md").write_text(
        "# Upward\n\nA [link](https://example.org/) is fine, `<img src=x>` in code too.\n\n"
        "<img src=\"http://tracker.example/pixel.gif\">\n\n![chart](file:///etc/passwd)\n", encoding="utf-8")
    run = run_handbook(root, "build", "--no-pdfs")
    assert run.returncode == 1
    assert ("guides/training/upward.md:5:1: error: 'http://tracker.example/pixel.gif' would be fetched from another "
            "host or folder; the handbook is self-contained") in run.stdout
    assert "guides/training/upward.md:7:1: error: 'file:///etc/passwd' would be fetched" in run.stdout
    assert "upward.md:3" not in run.stdout  # code is shown, not run
    assert not (root / "site").exists()


def test_labels_follow_the_programme_language(tmp_path):
    from pypdf import PdfReader

    from generator.validate import load_programmes
    from generator.workbook import render_html, write_pdf

    french = CONTRACT_FILE.read_text(encoding="utf-8").replace("language: en", "language: fr-CA")
    root = copy_handbook(tmp_path / "h", {"bridge-builders": french})
    run = run_handbook(root, "build", "--no-pdfs")
    assert run.returncode == 0, run.stderr
    session = text_of(page(root / "site", "programs/bridge-builders/sessions/session-01"))
    assert "Avant la rencontre" in session and "Ordre du jour" in session and "Séance 1 : Kick-off" in session
    assert "Séance 1\u202f: Kick-off" in page(root / "site", "programs/bridge-builders/sessions/session-01").h1.get_text()
    loaded, _ = load_programmes([root / "programs"], guides_dir=root / "guides")
    html = render_html(loaded[0].programme, "workbook", "director", root / "theme")
    write_pdf(html, tmp_path / "fr.pdf", root / "theme")
    reader = PdfReader(tmp_path / "fr.pdf")
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Fiche d'objectif" in text and "Comment utiliser ce cahier" in text
    assert f"Page 2 sur {len(reader.pages)}" in reader.pages[1].extract_text()
    assert "Page" not in reader.pages[0].extract_text()  # no number on the cover
    assert reader.trailer["/Root"]["/Lang"] == "fr-CA"
