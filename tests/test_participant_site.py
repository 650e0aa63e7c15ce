"""The site as every participant meets it, in Debian's Chromium: accessibility (axe-core), phone
widths, reading from disk without a server or network, dates and the "this week" marker."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from conftest import engine_of

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is installed by 'make test' (apt-get install chromium)")

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
PROGRAMME_PAGES = ["", "goals/", "training/", "confidentiality/", "sessions/session-01/", "checkins/",
                   "evaluation/", "changelog/", "downloads/"]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
SCREENS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(built_site: Path):  # once per site engine (MkDocs, Zensical)
    handler = functools.partial(_Quiet, directory=str(built_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def test_no_serious_or_critical_accessibility_violation(browser, server, built_site):
    """axe-core (WCAG 2.2 A/AA and best practice) on the home page and every page type of two
    programmes, in light and dark, on a desktop and a 390 px phone. The page is the same in dark mode
    but its colours, so there axe runs the colour rules only (that halves the time of this test)."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    paths = [""] + [f"programs/{prog}/{page}" for prog in ("bridge-builders", "digital-leaders")
                    for page in PROGRAMME_PAGES]
    if engine_of(built_site) == "zensical":  # same Markdown, other templates: one programme's page types
        paths = [""] + [f"programs/bridge-builders/{page}" for page in PROGRAMME_PAGES]
    problems, runs = [], 0
    for screen, viewport in SCREENS.items():
        for scheme in ("light", "dark"):
            context = browser.new_context(viewport=viewport, color_scheme=scheme, is_mobile=screen == "phone")
            page = context.new_page()
            for path in paths:
                page.goto(f"{server}/{path}")
                scheme_shown = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
                assert scheme_shown == ("slate" if scheme == "dark" else "default"), (path, scheme_shown)
                only = ({"type": "tag", "values": WCAG} if scheme == "light"
                        else {"type": "rule", "values": ["color-contrast", "link-in-text-block"]})
                result = axe.run(page, options={"runOnly": only})
                runs += 1
                for violation in result.response["violations"]:
                    if violation["impact"] in ("serious", "critical"):
                        for node in violation["nodes"]:
                            problems.append(f"{screen}/{scheme} /{path}: {violation['id']} ({violation['impact']}) "
                                            f"at {node['target']}: {node.get('failureSummary', '')[:200]}")
            context.close()
    assert runs == len(paths) * 4
    assert problems == [], "\n".join(problems)


def test_site_opened_from_disk_navigates_and_searches_offline(browser, built_site):
    """Open site/index.html as a file: links go to pages (not folder listings) and search works
    with no server; nothing is requested from anywhere but the disk, versions.json included."""
    if engine_of(built_site) == "zensical":
        pytest.skip("not yet for Zensical: offline.js and search_index.js serve Material's search (README, 'Site engines')")
    built_handbook = built_site
    context = browser.new_context(viewport=SCREENS["desktop"])
    page = context.new_page()
    requests, errors = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto((built_handbook / "index.html").as_uri())
    page.locator(".hb-catalogue li", has_text="Bridge Builders").get_by_role("link", name="1", exact=True).click()
    page.wait_for_load_state()
    assert page.url.endswith("/programs/bridge-builders/sessions/session-01/index.html"), page.url
    assert "Kick-off" in page.locator("article h1").inner_text()
    page.get_by_role("link", name="Check-ins").first.click()  # the navigation too
    page.wait_for_load_state()
    assert page.url.endswith("/programs/bridge-builders/checkins/index.html"), page.url
    page.locator(".md-search__input").first.click()
    page.locator(".md-search__input").press_sequentially("Lurk", delay=40)
    result = page.locator(".md-search-result__item", has_text="Lurk with purpose").first
    result.wait_for(state="visible", timeout=15000)
    result.locator("a").first.click()
    page.wait_for_load_state()
    assert "/programs/bridge-builders/sessions/session-01/index.html" in page.url, page.url
    context.close()
    assert errors == []
    assert requests and all(url.startswith("file://") for url in requests), [u for u in requests if not u.startswith("file:")]
    assert not [u for u in requests if "versions.json" in u]


def test_home_page_links_a_zip_of_the_whole_handbook(built_site):
    import zipfile

    built_handbook = built_site

    from bs4 import BeautifulSoup

    home = BeautifulSoup((built_handbook / "index.html").read_text(encoding="utf-8"), "html.parser")
    link = home.select_one('article a[href="handbook.zip"]')
    assert link is not None and "Download the whole handbook" in link.get_text()
    with zipfile.ZipFile(built_handbook / "handbook.zip") as archive:
        names = set(archive.namelist())
        assert archive.testzip() is None
    site_files = {f"handbook/{p.relative_to(built_handbook).as_posix()}" for p in built_handbook.rglob("*")
                  if p.is_file() and p.name not in ("handbook.zip", ".handbook-build")}  # the build's own marker
    assert names == site_files
    assert "handbook/index.html" in names
    if engine_of(built_site) == "mkdocs":
        assert "handbook/search/search_index.js" in names
    assert any(name.endswith("-workbook.pdf") for name in names)
