"""A library of 60 programmes, built once (site only): no page carries the whole library.

The bench (bench/scale_bench.py) measures sizes and times at 50, 200 and 500 programmes; these
tests pin the behaviour that keeps them flat: navigation scoped to the reader's programme, a search
index split by programme, and the catalogue filtered in the browser.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from browsing import needs_chromium, serving
from conftest import FIXTURES, REPO, copy_handbook, run_handbook

SIZE = 60


@pytest.fixture(scope="session")
def library(tmp_path_factory) -> Path:
    """60 programmes: the shipped library cloned under new ids and titles, plus the French fixture."""
    shipped = sorted((REPO / "programs").glob("*.yaml"))
    programmes = {}
    for i in range(SIZE - 1):
        source = shipped[i % len(shipped)]
        new_id = f"{source.stem}-{i:02d}"
        text = source.read_text(encoding="utf-8").replace(f"id: {source.stem}\n", f"id: {new_id}\n", 1)
        programmes[new_id] = re.sub(r"^title: (.+)$", lambda m: f"title: {m.group(1)} {i:02d}", text,
                                    count=1, flags=re.M)
    programmes["passerelles"] = (FIXTURES / "passerelles.yaml").read_text(encoding="utf-8")
    root = copy_handbook(tmp_path_factory.mktemp("library"), programmes)
    run = run_handbook(root, "build", "--no-pdfs")
    assert run.returncode == 0, run.stdout + run.stderr
    return root / "site"


def _nav_links(page: Path) -> list[str]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return [a["href"] for a in soup.select("nav.md-nav--primary a[href]")]


def test_a_session_page_lists_only_its_own_programme(library, built_handbook):
    page = library / "programs/digital-leaders-03/sessions/session-01/index.html"
    links = _nav_links(page)
    assert "../../../" in links  # the Programmes page (programs/): the way to every other programme
    others = [h for h in links if re.search(r"programs/[a-z0-9-]+/", h) or re.match(r"(\.\./){3}[a-z]", h)
              and "-" in h.split("/")[3] and h.split("/")[3][-3:-1].isdigit()]
    assert others == [], others
    assert len(links) >= 15  # its overview, goals, training, each session, check-ins, downloads …
    # the same programme's page in a library of three carries the same menu: nothing grew with the library
    small = built_handbook / "programs/digital-leaders/sessions/session-01/index.html"
    assert len(_nav_links(small)) == len(links)
    sizes = [p.stat().st_size for p in (library / "programs").glob("*/sessions/session-01/index.html")]
    assert max(sizes) < 80_000, max(sizes)


def test_pages_outside_programmes_list_no_programme(library):
    for page in ("index.html", "programs/index.html", "editing-programmes/index.html"):
        links = _nav_links(library / page)
        assert not [h for h in links if re.search(r"programs/[a-z0-9-]+-\d\d/", h)], (page, links)


def test_search_is_split_by_programme(library):
    site = json.loads((library / "search/site.json").read_text(encoding="utf-8"))
    locations = [d["location"] for d in site["docs"]]
    overviews = [loc for loc in locations if re.fullmatch(r"programs/[a-z0-9-]+/", loc)]
    assert len(overviews) == SIZE  # every programme can be found from anywhere
    assert not [loc for loc in locations if "/sessions/" in loc]
    scoped = sorted((library / "search/programs").glob("*.json"))
    assert len(scoped) == SIZE
    own = json.loads((library / "search/programs/digital-leaders-03.json").read_text(encoding="utf-8"))
    assert own["docs"] and all(d["location"].startswith("programs/digital-leaders-03/") for d in own["docs"])
    assert any("/sessions/session-01/" in d["location"] for d in own["docs"])
    whole = (library / "search/search_index.json").stat().st_size
    per_reader = (library / "search/site.json").stat().st_size + max(p.stat().st_size for p in scoped)
    assert per_reader < whole / 5, (per_reader, whole)
    page = (library / "programs/digital-leaders-03/training/index.html").read_text(encoding="utf-8")
    assert '<meta name="handbook:search-scope" content="digital-leaders-03">' in page
    assert "handbook:search-scope" not in (library / "index.html").read_text(encoding="utf-8")


@needs_chromium
def test_catalogue_filters_by_model_and_language_and_search_stays_in_scope(library, browser):
    with serving(library) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(f"{base}/programs/")
        page.locator(".hb-filter").wait_for(state="visible", timeout=10000)
        cards = page.locator(".hb-card:visible")
        assert cards.count() == SIZE
        assert page.inner_text(".hb-filter-count") == f"{SIZE} of {SIZE} programmes shown"
        page.select_option("select[data-hb-by=model]", "reverse-technical")
        models = {c.get_attribute("data-model") for c in cards.all()}
        assert models == {"reverse-technical"} and 0 < cards.count() < SIZE
        page.select_option("select[data-hb-by=model]", "")
        page.select_option("select[data-hb-by=language]", "fr")
        assert cards.count() == 1 and "Passerelles" in cards.first.inner_text()
        page.select_option("select[data-hb-by=language]", "")
        page.fill("input[data-hb-by=words]", "no such programme anywhere")
        assert cards.count() == 0 and "No programme matches" in page.inner_text(".hb-filter-count")
        # search from a programme's page: its own sessions are found, and only two small files are fetched
        requested.clear()
        page.goto(f"{base}/programs/digital-leaders-03/")
        page.wait_for_load_state("networkidle")
        page.locator(".md-search__input").first.click()
        page.locator(".md-search__input").press_sequentially("inventory", delay=40)
        result = page.locator(".md-search-result__item").first
        result.wait_for(state="visible", timeout=10000)
        assert "digital-leaders-03" in result.locator("a").first.get_attribute("href")
        fetched = [u.replace(base, "") for u in requested if "/search/" in u and u.endswith(".json")]
        assert fetched == ["/search/site.json", "/search/programs/digital-leaders-03.json"], fetched
        context.close()
