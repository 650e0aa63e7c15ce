"""A real browser (Debian's Chromium, driven by Playwright) on the built site, as a reader uses it:
once per site engine (MkDocs, Zensical)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from browsing import needs_chromium, serving
from conftest import engine_of

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def server(built_site: Path):
    with serving(built_site) as url:
        yield url


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.refused = []  # what the Content-Security-Policy blocked
    page.on("console", lambda message: page.refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield page
    context.close()


def test_switching_role_tab_shows_that_roles_steps(page, server):
    page.goto(f"{server}/programs/bridge-builders/sessions/session-01/")
    mentor_step = page.get_by_text("Find three team channels worth following")
    director_step = page.get_by_text("Open the team channel daily")
    assert mentor_step.is_visible() and not director_step.is_visible()
    page.locator(".tabbed-labels label", has_text="Director").first.click()
    director_step.wait_for(state="visible", timeout=5000)
    assert not mentor_step.is_visible()
    assert all(url.startswith(server) for url in page.requests), [u for u in page.requests if not u.startswith(server)]
    assert page.refused == []


def test_search_finds_a_word_from_a_programme(page, server, built_site):
    """From a programme's page, a word of one of its sessions (the MkDocs site fetches the site's
    index and that programme's: search/site.json + search/programs/bridge-builders.json)."""
    page.goto(f"{server}/programs/bridge-builders/")
    page.wait_for_load_state("networkidle")  # the search index is loaded by a worker
    if engine_of(built_site) == "zensical":  # a dialog opened by a button, its results in a shadow root
        page.locator(".md-search__button").first.click()
        page.keyboard.type("Lurk", delay=40)
        result = page.locator("a", has_text="Lurk with purpose").first
        result.wait_for(state="visible", timeout=10000)
        href = result.get_attribute("href")
    else:
        page.locator(".md-search__input").first.click()
        page.locator(".md-search__input").press_sequentially("Lurk", delay=40)
        result = page.locator(".md-search-result__item", has_text="Lurk with purpose").first
        result.wait_for(state="visible", timeout=10000)
        href = result.locator("a").first.get_attribute("href")
    assert "bridge-builders/sessions/session-01" in href
    assert all(url.startswith(server) for url in page.requests)
    assert page.refused == []  # the theme's search works under the policy (nothing had to be refused)


def test_phone_width_page_is_readable_not_blank_or_overflowing(browser, server, tmp_path):
    from PIL import Image, ImageStat

    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    page.goto(f"{server}/programs/bridge-builders/sessions/session-01/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    png = page.screenshot(full_page=False)
    (tmp_path / "phone.png").write_bytes(png)
    context.close()
    assert overflow <= 0, f"page is {overflow}px wider than the phone"
    image = Image.open(io.BytesIO(png)).convert("L")
    assert image.size == (780, 1688)
    spread = ImageStat.Stat(image).stddev[0]
    dark = sum(1 for value in image.tobytes() if value < 128) / (image.width * image.height)
    assert spread > 20 and 0.01 < dark < 0.6, (spread, dark)
