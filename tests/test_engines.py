"""Both site engines (MkDocs + Material, Zensical) build the same handbook: checked, not assumed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import copy_handbook, run_handbook


def output_paths(site: Path) -> list[str]:
    """What a reader can open: every page and every PDF (engine files such as search indexes aside)."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.suffix in (".html", ".pdf"))


def test_both_engines_write_the_same_pages_and_pdfs(built_handbook, built_zensical):
    mkdocs, zensical = output_paths(built_handbook), output_paths(built_zensical)
    assert len(mkdocs) > 40 and sum(p.endswith(".pdf") for p in mkdocs) >= 12
    assert zensical == mkdocs, (set(mkdocs) ^ set(zensical))


def test_both_engines_give_every_page_the_same_title(built_handbook, built_zensical):
    def title(site: Path, rel: str) -> str:
        return BeautifulSoup((site / rel).read_text(encoding="utf-8"), "html.parser").title.get_text(strip=True)

    pages = [p for p in output_paths(built_handbook) if p.endswith(".html") and p not in ("404.html", "index.html")]
    different = [(p, title(built_handbook, p), title(built_zensical, p)) for p in pages
                 if title(built_handbook, p) != title(built_zensical, p)]
    assert different == []
    # the one known difference (README, "Site engines"): Zensical names the home page after its nav entry
    assert title(built_handbook, "index.html") == "Mentoring Handbook"
    assert title(built_zensical, "index.html") == "Home - Mentoring Handbook"
    assert title(built_zensical, "programs/bridge-builders/sessions/session-01/index.html").startswith("Session 1")


def test_every_page_has_its_content_security_policy(built_site):
    for path in sorted(built_site.rglob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        meta = soup.select_one('head meta[http-equiv="Content-Security-Policy"]')
        assert meta is not None, path
        policy = meta["content"]
        assert "default-src 'none'" in policy and "script-src 'self'" in policy, path
        for script in soup.select("script:not([src])"):  # every inline script the theme wrote is allowed by hash
            if script.get("type") in (None, "text/javascript", "module"):
                assert "'sha256-" in policy, path


def test_role_tabs_on_session_pages(built_site):
    """A tab per role with work in the session (both engines); a session where no role prepares
    anything says so instead of showing empty tabs."""
    sessions = sorted((built_site / "programs").glob("*/sessions/session-*/index.html"))
    assert len(sessions) >= 10
    tabbed = 0
    for path in sessions:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        labels = soup.select(".tabbed-set .tabbed-labels label")
        assert len(soup.select(".tabbed-set .tabbed-block")) == len(labels), path
        if labels:
            tabbed += 1
            assert all(label.get_text(strip=True) for label in labels), path
        else:
            assert "Nothing to prepare this time" in soup.get_text(), path
    assert tabbed >= len(sessions) * 2 // 3


def test_theme_colours_and_stylesheet_reach_both_engines(built_site):
    soup = BeautifulSoup((built_site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.select_one("body")["data-md-color-primary"] == "custom"  # our WCAG AA palette, handbook.css
    assert soup.select_one("body")["data-md-color-accent"] == "custom"
    sheets = [link["href"] for link in soup.select('link[rel="stylesheet"]')]
    assert any(href.endswith("assets/stylesheets/handbook.css") for href in sheets), sheets
    assert (built_site / "assets" / "stylesheets" / "handbook.css").is_file()


def test_zensical_build_prints_what_it_does_differently(built_zensical, tmp_path):
    """Rebuilding into another folder: the notice is printed, and the PDFs are reused from the cache."""
    root = built_zensical.parent
    run = run_handbook(root, "build", "--engine", "zensical", "--out", str(tmp_path / "again"), "--jobs", "2")
    assert run.returncode == 0, run.stderr
    notices = [line for line in run.stderr.splitlines() if line.startswith("notice: Zensical")]
    assert len(notices) == 1 and "links and anchors checked by the handbook" in notices[0]
    assert "handbook publish uses MkDocs" in notices[0]
    assert output_paths(tmp_path / "again") == output_paths(built_zensical)


def test_zensical_build_stops_on_invalid_programme_and_keeps_old_output(built_zensical, tmp_path):
    import shutil

    root = tmp_path / "broken"
    shutil.copytree(built_zensical.parent, root, ignore=shutil.ignore_patterns("site", "site-zensical"))
    (root / "programs" / "tiny-peers.yaml").write_text("id: tiny-peers\nsessions: 3\n", encoding="utf-8")
    (root / "out").mkdir()
    (root / "out" / "keep.txt").write_text("old", encoding="utf-8")
    (root / "out" / ".handbook-build").write_text("", encoding="utf-8")
    run = run_handbook(root, "build", "--engine", "zensical", "--out", "out", "--no-pdfs")
    assert run.returncode == 1
    assert re.search(r"tiny-peers\.yaml:\d+", run.stdout + run.stderr), run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert (root / "out" / "keep.txt").read_text() == "old"


@pytest.mark.parametrize("verb", ["build", "serve"])
def test_engine_choice_is_checked(verb, tmp_path):
    run = run_handbook(tmp_path, verb, "--engine", "hugo")
    assert run.returncode == 2 and "invalid choice: 'hugo'" in run.stderr


# ---------------------------------------------------------------- links and anchors of a Zensical build

# links Zensical's own check does not look at (it checks Markdown links to .md pages); the message
# names the link as the built page has it (relative to the page's folder URL, broken/)
BROKEN_GUIDES = {
    "link": ("See [the schedule](no-such-page/).", "'../no-such-page/' points to a file the site does not have"),
    "anchor": ('See <a href="#no-such-heading">this heading</a>.',
               "'#no-such-heading' points to an anchor #no-such-heading that broken/index.html does not have"),
}


@pytest.mark.parametrize("kind", sorted(BROKEN_GUIDES))
def test_zensical_build_stops_on_a_broken_link_or_anchor(kind, built_zensical, tmp_path):
    import shutil

    root = tmp_path / "broken"
    shutil.copytree(built_zensical.parent, root, ignore=shutil.ignore_patterns("site", "site-zensical", ".cache"))
    text, why = BROKEN_GUIDES[kind]
    (root / "guides" / "broken.md").write_text(f"# Broken\n\n{text}\n", encoding="utf-8")
    (root / "out").mkdir()
    (root / "out" / "keep.txt").write_text("old", encoding="utf-8")
    (root / "out" / ".handbook-build").write_text("", encoding="utf-8")
    run = run_handbook(root, "build", "--engine", "zensical", "--out", "out", "--no-pdfs")
    assert run.returncode == 1, run.stderr
    assert f"ERROR - broken link: guides/broken.md (broken/index.html): link {why}" in run.stderr, run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert (root / "out" / "keep.txt").read_text() == "old" and not (root / "out" / "broken").exists()


def test_the_shipped_library_builds_clean_with_zensical(tmp_path):
    """Every link and anchor of the shipped library resolves (the check runs on every page)."""
    import shutil

    from conftest import REPO, zensical_installed

    if not zensical_installed():
        pytest.skip("Zensical is installed by 'make test' (pip install -e '.[zensical]')")
    root = tmp_path / "library"
    for name in ("guides", "theme", "programs"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    run = run_handbook(root, "build", "--engine", "zensical", "--out", "site", "--no-pdfs", "--verbose")
    assert run.returncode == 0, run.stderr
    assert "broken link" not in run.stderr and "No issues found" in run.stderr
    checked = re.search(r"links and anchors checked in ([\d.]+) s", run.stderr)
    assert checked is not None, run.stderr
    print(f"link check of the shipped library: {checked.group(1)} s")


def test_link_check_reads_folder_urls_anchors_and_leaves_other_sites_alone(tmp_path):
    from generator.linkcheck import check_site

    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "img.png").write_bytes(b"")
    (site / "index.html").write_text(
        '<h2 id="top">x</h2><a href="a/">ok</a> <a href="a/#there">ok</a> <a href="#top">ok</a> '
        '<a href="https://example.org/nowhere/">other site</a> <a href="mailto:x@example.org">mail</a> '
        '<a href="http://127.0.0.1:8000/a/">ours, absolute</a> <a href="/a/index.html#there">ours, root</a> '
        '<img src="img.png"> <a href="later.pdf">planned</a> <script>var s = "<a href=\'gone/\'>";</script>'
        '<!-- <a href="gone/"> -->', encoding="utf-8")
    (site / "a" / "index.html").write_text(
        "<p id='there'>x</p><a name='old'></a><a href='../#top'>ok</a> <a href='../#old'>no</a> "
        "<a href='../b/'>no</a> <img src='../missing.png'> <a href='http://127.0.0.1:8000/c/'>no</a> "
        "<a href='#old'>ok</a> <a href='../../outside.html'>no</a>", encoding="utf-8")
    broken = check_site(site, "http://127.0.0.1:8000/", {"later.pdf"})
    assert [(b.page, b.link) for b in broken] == [
        ("a/index.html", "../#old"), ("a/index.html", "../b/"), ("a/index.html", "../missing.png"),
        ("a/index.html", "http://127.0.0.1:8000/c/"), ("a/index.html", "../../outside.html")]
    assert "points to an anchor #old that index.html does not have" in str(broken[0])


def test_publish_with_zensical_says_editions_are_built_with_mkdocs(tmp_path):
    run = run_handbook(copy_handbook(tmp_path / "repo", {}), "publish", "--engine", "zensical")
    assert run.returncode == 2 and "give the edition to publish" in run.stderr  # nothing else changes
    notices = [line for line in run.stderr.splitlines() if line.startswith("notice: handbook publish")]
    assert len(notices) == 1 and "with MkDocs + Material and mike" in notices[0]
