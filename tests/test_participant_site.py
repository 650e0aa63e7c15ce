"""The site as every participant meets it, in Debian's Chromium: accessibility (axe-core), phone
widths, reading from disk without a server or network, dates and the "this week" marker."""

from __future__ import annotations

from pathlib import Path

import pytest

from browsing import needs_chromium, serving
from conftest import engine_of

pytestmark = needs_chromium

PROGRAMME_PAGES = ["", "goals/", "training/", "confidentiality/", "sessions/session-01/", "checkins/",
                   "evaluation/", "changelog/", "downloads/"]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
SCREENS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def server(built_site: Path):  # once per site engine (MkDocs, Zensical)
    with serving(built_site) as url:
        yield url


def test_no_serious_or_critical_accessibility_violation(browser, server, built_site):
    """axe-core (WCAG 2.2 A/AA and best practice) on the home page and every page type of two
    programmes, in light and dark, on a desktop and a 390 px phone. The page is the same in dark mode
    but its colours, so there axe runs the colour rules only (that halves the time of this test)."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    paths = [""] + [f"programs/{prog}/{page}" for prog in ("bridge-builders", "digital-leaders")
                    for page in PROGRAMME_PAGES] + ["programs/bridge-builders/dates-spring-2027/"]
    if engine_of(built_site) == "zensical":  # same Markdown, other templates: one programme's page types
        paths = [""] + [f"programs/bridge-builders/{page}" for page in PROGRAMME_PAGES] + [
            "programs/bridge-builders/dates-spring-2027/"]
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
    built_handbook = built_site
    context = browser.new_context(viewport=SCREENS["desktop"])
    page = context.new_page()
    requests, errors = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto((built_handbook / "index.html").as_uri())
    page.locator(".hb-catalogue .hb-card", has_text="Bridge Builders").get_by_role("link", name="1", exact=True).click()
    page.wait_for_load_state()
    assert page.url.endswith("/programs/bridge-builders/sessions/session-01/index.html"), page.url
    assert "Kick-off" in page.locator("article h1").inner_text()
    page.get_by_role("link", name="Check-ins").first.click()  # the navigation too
    page.wait_for_load_state()
    assert page.url.endswith("/programs/bridge-builders/checkins/index.html"), page.url
    if engine_of(built_site) == "zensical":  # its dialog, opened by a button, keeps the results in a shadow root
        page.locator(".md-search__button").first.click()
        page.keyboard.type("Lurk", delay=40)
        result = page.locator("a", has_text="Lurk with purpose").first  # loaded from search.js
    else:
        page.locator(".md-search__input").first.click()
        page.locator(".md-search__input").press_sequentially("Lurk", delay=40)
        result = page.locator(".md-search-result__item", has_text="Lurk with purpose").first.locator("a").first
    result.wait_for(state="visible", timeout=15000)
    result.click()
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
    # the search index as a script, for search from disk
    assert ("handbook/search/search_index.js" if engine_of(built_site) == "mkdocs" else "handbook/search.js") in names
    assert any(name.endswith("-workbook.pdf") for name in names)


# ---------------------------------------------------------------- names, navigation, dates (HTML read back)

def _soup(site: Path, path: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_every_programme_page_title_names_its_programme(built_handbook):
    checked = 0
    for folder in sorted(p for p in (built_handbook / "programs").iterdir() if p.is_dir()):
        name = _soup(built_handbook, f"programs/{folder.name}").select_one("article h1").get_text(strip=True).rstrip("¶")
        for html in folder.rglob("index.html"):
            title = _soup(built_handbook, html.parent.relative_to(built_handbook).as_posix()).title.get_text()
            assert name in title, (html, title)
            checked += 1
    assert checked >= 3 * 10
    training = _soup(built_handbook, "programs/digital-leaders/training").title.get_text()
    assert training.startswith("Training · Digital Leaders")


def test_search_results_name_the_programme(built_site):
    import json

    mkdocs = engine_of(built_site) == "mkdocs"
    index, script, entries = (("search/search_index.json", "search/search_index.js", "docs") if mkdocs
                              else ("search.json", "search.js", "items"))
    docs = json.loads((built_site / index).read_text(encoding="utf-8"))[entries]
    titles = {d["location"]: d["title"] for d in docs}
    assert titles["programs/digital-leaders/training/"] == "Training · Digital Leaders"
    assert titles["programs/bridge-builders/checkins/"] == "Check-ins · Bridge Builders"
    assert titles["programs/bridge-builders/sessions/session-01/"] == "Session 1: Kick-off · Bridge Builders"
    assert "Training · Digital Leaders" in (built_site / script).read_text(encoding="utf-8")


def test_previous_and_next_stay_inside_one_programme(built_handbook):
    from urllib.parse import urljoin

    for folder in sorted(p for p in (built_handbook / "programs").iterdir() if p.is_dir()):
        for html in folder.rglob("index.html"):
            rel = html.parent.relative_to(built_handbook).as_posix() + "/"
            for link in _soup(built_handbook, rel.rstrip("/")).select("a.md-footer__link"):
                target = urljoin("/" + rel, link["href"])
                assert target.startswith(f"/programs/{folder.name}/"), (rel, target)
    first = _soup(built_handbook, "programs/bridge-builders")
    assert first.select_one("a.md-footer__link--prev") is None  # not into the home page or another programme


def test_role_tabs_only_for_roles_with_something_to_do(built_handbook):
    soup = _soup(built_handbook, "programs/digital-leaders/sessions/session-01")
    labels = [label.get_text(strip=True) for label in soup.select(".tabbed-labels label")]
    assert labels == ["Reverse mentor", "Executive"]
    text = " ".join(soup.select_one("article").get_text(" ").split())
    assert "Also in this session: the Programme coordinator has nothing to prepare." in text


def test_two_cohorts_get_dates_pages_and_calendars(built_handbook):
    import icalendar

    spring = _soup(built_handbook, "programs/bridge-builders/dates-spring-2027")
    assert spring.title.get_text().startswith("Dates: Spring 2027 · Bridge Builders")
    rows = [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in spring.select("article table tbody tr")]
    assert rows == [["Mon 11 Jan 2027", "09:30", "Session 1: Kick-off"],
                    ["Mon 18 Jan 2027", "09:30", "Session 2: First post"],
                    ["Thu 21 Jan 2027", "—", "Check-in: Midpoint review"],
                    ["Mon 25 Jan 2027", "09:30", "Session 3: Wrap-up"]], rows
    assert [t["datetime"] for t in spring.select("article table time")] == ["2027-01-11", "2027-01-18", "2027-01-21", "2027-01-25"]
    assert "Europe/Paris" in spring.select_one("article").get_text()
    autumn = _soup(built_handbook, "programs/bridge-builders/dates-autumn-2027")
    assert [t["datetime"] for t in autumn.select("article table time")] == ["2027-09-06", "2027-09-13", "2027-09-16", "2027-09-20"]
    session = _soup(built_handbook, "programs/bridge-builders/sessions/session-02")
    assert [t["datetime"] for t in session.select("article time.hb-day")] == ["2027-01-18", "2027-09-13"]
    ics = spring.select_one('article a[href$=".ics"]')["href"]
    calendar = icalendar.Calendar.from_ical((built_handbook / "programs/bridge-builders/dates-spring-2027" / ics).resolve().read_bytes())
    events = [e for e in calendar.walk("VEVENT")]
    assert len(events) == 4 and "Spring 2027" in str(calendar["X-WR-CALNAME"])
    first = min(events, key=lambda e: e["DTSTART"].dt)
    assert first["DTSTART"].dt.isoformat() == "2027-01-11T09:30:00+01:00" and first["DTSTART"].params["TZID"] == "Europe/Paris"
    other = icalendar.Calendar.from_ical((built_handbook / "programs/bridge-builders/downloads/bridge-builders-autumn-2027.ics").read_bytes())
    assert sorted(str(e["DTSTART"].dt) for e in other.walk("VEVENT"))[0] == "2027-09-06"


# ---------------------------------------------------------------- in the browser

def test_no_page_scrolls_sideways_on_a_phone(browser, server):
    context = browser.new_context(viewport=SCREENS["phone"], is_mobile=True)
    page = context.new_page()
    wide = []
    for path in ["programs/bridge-builders/", "programs/bridge-builders/sessions/session-01/",
                 "programs/bridge-builders/training/", "programs/bridge-builders/dates-spring-2027/",
                 "programs/digital-leaders/", "programs/digital-leaders/sessions/session-06/",
                 "programs/digital-leaders/training/", "programs/digital-leaders/checkins/"]:
        page.goto(f"{server}/{path}")
        found = page.evaluate("""() => ({page: document.documentElement.scrollWidth - window.innerWidth,
            inner: [...document.querySelectorAll('article table, .md-typeset__scrollwrap, .hb-timeline, pre')]
                   .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.className || e.tagName)})""")
        if found["page"] > 0 or found["inner"]:
            wide.append((path, found))
    context.close()
    assert wide == []


def test_this_week_is_marked_from_the_readers_clock(browser, server):
    import datetime as dt

    context = browser.new_context(viewport=SCREENS["desktop"])
    page = context.new_page()
    page.clock.set_fixed_time(dt.datetime(2027, 1, 20, 10, 0))  # a Wednesday: session 2 and the check-in
    page.goto(f"{server}/programs/bridge-builders/dates-spring-2027/")
    marked = page.locator("article table tr.hb-now")
    assert marked.count() == 2
    assert "Session 2" in marked.nth(0).inner_text() and "This week" in marked.nth(0).inner_text()
    assert "Check-in" in marked.nth(1).inner_text()
    page.goto(f"{server}/programs/bridge-builders/dates-autumn-2027/")
    assert page.locator("tr.hb-now").count() == 0
    page.goto(f"{server}/programs/bridge-builders/sessions/session-02/")
    assert page.locator("article .hb-now-badge").count() == 1
    page.goto(f"{server}/")
    shown = page.locator(".hb-catalogue .hb-card", has_text="Bridge Builders").locator(".hb-week:visible")
    assert shown.count() == 1 and "Session 2: First post" in shown.inner_text() and "Spring 2027" in shown.inner_text()
    context.close()


def test_cohort_mistakes_are_reported_at_their_line(contract_text):
    from generator.validate import check_text

    lines = len(contract_text.splitlines())  # the cohorts come after the contract's last line
    shapes = contract_text + """cohorts:
  - name: Spring
    start: 2027-02-30x
    time: "25:00"
  - name: Summer
    start: 2027-06-07
    time: 9:30
"""
    _, problems = check_text(shapes, "programs/bridge-builders.yaml")
    found = {(p.line, p.message) for p in problems}
    assert (lines + 3, "'start' should be a date written YYYY-MM-DD, not '2027-02-30x'") in found, found
    assert any(line == lines + 4 and "'time' must be a clock time HH:MM (24-hour)" in m for line, m in found), found
    assert len(found) == 2  # unquoted 9:30 is read as the time it looks like
    clashes = contract_text + """cohorts:
  - name: Spring
    start: 2027-01-11
    time: "09:30"
    zone: Europe/Pariss
  - name: Spring
    start: 2027-03-01
  - name: Late spring
    start: 2027-01-18
    time: "10:00"
    zone: Europe/Paris
"""
    _, problems = check_text(clashes, "programs/bridge-builders.yaml")
    found = sorted((p.line, p.message, p.hint) for p in problems)
    assert found[0][:2] == (lines + 5, "unknown time zone 'Europe/Pariss' (did you mean 'Europe/Paris'?)"), found
    assert found[1][:2] == (lines + 6, "two cohorts are called 'Spring'"), found
    fixed = clashes.replace("Pariss", "Paris").replace("  - name: Spring\n    start: 2027-03-01", "  - name: Summer\n    start: 2027-03-01")
    _, problems = check_text(fixed, "programs/bridge-builders.yaml")
    assert [(p.line, p.message) for p in problems] == [
        (lines + 9, "cohort 'Late spring' meets at the same time as cohort 'Spring' "
                    "(session 1 of 'Late spring' and session 2 of 'Spring', 2027-01-18)")], problems
