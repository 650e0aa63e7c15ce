from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CONTRACT_FILE = FIXTURES / "bridge-builders.yaml"
# two cohorts of the contract programme in the shared build: Dates pages, calendars, "this week"
TWO_COHORTS = """cohorts:
  - name: Spring 2027
    start: 2027-01-11
    time: "09:30"
    zone: Europe/Paris
  - name: Autumn 2027
    start: 2027-09-06
"""

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def make_project(root: Path, programmes: dict[str, str] | None = None) -> Path:
    """A tiny handbook project: programs/, guides/ (with the fixture guide)."""
    (root / "programs").mkdir(parents=True, exist_ok=True)
    shutil.copytree(FIXTURES / "guides", root / "guides", dirs_exist_ok=True)
    for name, text in (programmes or {}).items():
        (root / "programs" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def contract_text() -> str:
    return CONTRACT_FILE.read_text(encoding="utf-8")


def copy_handbook(root: Path, programmes: dict[str, str]) -> Path:
    """A copy of this repository's handbook set-up (mkdocs.yml, guides, theme) with other programmes."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "guides", root / "guides")
    shutil.copytree(REPO / "theme", root / "theme")
    shutil.copytree(FIXTURES / "guides", root / "guides", dirs_exist_ok=True)
    (root / "programs").mkdir()
    for name, text in programmes.items():
        (root / "programs" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return root


def run_handbook(root: Path, *args: str, env: dict[str, str] | None = None):
    import subprocess
    import sys

    full_env = {**os.environ, "HANDBOOK_CACHE": str(root / ".cache"), **(env or {})}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=root, capture_output=True, text=True,
                          env=full_env)


@pytest.fixture(scope="session")
def built_handbook(tmp_path_factory) -> Path:
    """The contract fixture plus one shipped programme, built once (site + PDFs) for the whole run."""
    root = copy_handbook(tmp_path_factory.mktemp("handbook"),
                         {"bridge-builders": CONTRACT_FILE.read_text(encoding="utf-8") + TWO_COHORTS})
    shutil.copy(FIXTURES / "tiny-peers.yaml", root / "programs" / "tiny-peers.yaml")
    shipped = REPO / "programs" / "digital-leaders.yaml"
    shutil.copy(shipped, root / "programs" / shipped.name)
    run = run_handbook(root, "build", "--jobs", "2")
    assert run.returncode == 0, run.stdout + run.stderr
    return root / "site"


ENGINES = ("mkdocs", "zensical")


def zensical_installed() -> bool:
    from generator.zensical_engine import available

    return available()


@pytest.fixture(scope="session")
def built_zensical(built_handbook: Path) -> Path:
    """The same handbook built by Zensical, once, beside the MkDocs build (the PDFs come from its cache)."""
    if not zensical_installed():
        pytest.skip("Zensical is installed by 'make test' (pip install -e '.[zensical]')")
    root = built_handbook.parent
    run = run_handbook(root, "build", "--engine", "zensical", "--out", "site-zensical", "--jobs", "2")
    assert run.returncode == 0, run.stdout + run.stderr
    return root / "site-zensical"


@pytest.fixture(scope="session", params=ENGINES)
def built_site(request) -> Path:
    """The built handbook, once per site engine: tests using it run against MkDocs and Zensical."""
    return request.getfixturevalue("built_handbook" if request.param == "mkdocs" else "built_zensical")


def search_texts(site: Path) -> str:
    """Every text of the site's search index, whichever engine wrote it."""
    import json

    mkdocs_index = site / "search" / "search_index.json"
    if mkdocs_index.is_file():
        return " ".join(doc["text"] for doc in json.loads(mkdocs_index.read_text(encoding="utf-8"))["docs"])
    items = json.loads((site / "search.json").read_text(encoding="utf-8"))["items"]
    return " ".join(item["text"] for item in items)


def engine_of(site: Path) -> str:
    """Which engine wrote a built site (each writes its search index in its own place)."""
    return "zensical" if (site / "search.json").is_file() else "mkdocs"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright, started once for every browser test of the run."""
    from playwright.sync_api import sync_playwright

    from browsing import CHROMIUM, FLAGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()
