"""Every word in the programme's language: the label catalogue (plurals, regional variants,
typography), `handbook labels check`, and a French programme built for real with no English left."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from pypdf import PdfReader

from conftest import FIXTURES, REPO, copy_handbook, run_handbook
from generator.labels import NNBSP, check, labels

FRENCH_FILE = FIXTURES / "passerelles.yaml"


def theme_with(tmp_path: Path, files: dict[str, str]) -> Path:
    """A copy of the shipped theme's labels with extra label files (the rest of the theme is not needed)."""
    theme = tmp_path / "theme"
    shutil.copytree(REPO / "theme" / "labels", theme / "labels")
    for name, text in files.items():
        (theme / "labels" / name).write_text(text, encoding="utf-8")
    return theme


# ---------------------------------------------------------------- plurals, numbers, dates

POLISH = """
sessions_count:
  one: "{n} sesja"
  few: "{n} sesje"
  many: "{n} sesji"
  other: "{n} sesji"
"""


def test_plural_forms_follow_the_languages_cldr_rule(tmp_path):
    theme = theme_with(tmp_path, {"pl.yaml": POLISH})
    polish = labels(theme, "pl")
    assert [polish.plural("sessions_count", n) for n in (1, 2, 5, 22)] == ["1 sesja", "2 sesje", "5 sesji", "22 sesje"]
    assert polish.plural("sessions_count", 12) == "12 sesji"  # 12-14 are 'many' in Polish, 22-24 'few'
    english = labels(theme, "en")
    assert [english.plural("sessions_count", n) for n in (0, 1, 2)] == ["0 sessions", "1 session", "2 sessions"]
    french = labels(theme, "fr")
    assert [french.plural("sessions_count", n) for n in (0, 1, 2)] == ["0 séance", "1 séance", "2 séances"]
    assert french.plural("sessions_count", 1_000_000) == f"1{NNBSP}000{NNBSP}000 de séances"  # CLDR 'many'


def test_numbers_dates_durations_and_lists_are_written_the_languages_way(tmp_path):
    theme = theme_with(tmp_path, {})
    english, french = labels(theme, "en"), labels(theme, "fr")
    assert english.hours(1.5) == "1 h 30 min" and french.hours(1.5) == "1 h 30" and french.hours(0.75) == "45 min"
    assert english.clock(70) == "1:10" and french.clock(70) == "1 h 10"
    assert english.long_date(dt.date(2026, 9, 1)) == "September 1, 2026"
    assert french.long_date(dt.date(2026, 9, 1)) == "1 septembre 2026"
    assert english.join(["A", "B", "C"]) == "A, B, and C" and french.join(["A", "B", "C"]) == "A, B et C"
    assert french.number(1.5) == "1,5"


def test_a_regional_file_overrides_only_its_own_keys(tmp_path):
    theme = theme_with(tmp_path, {"fr-CA.yaml": "checkins: Suivis\n",
                                  "en.yaml": (REPO / "theme/labels/en.yaml").read_text() + "only_english: Only here\n"})
    canadian = labels(theme, "fr-CA")
    assert canadian.checkins == "Suivis"  # fr-CA.yaml
    assert canadian.session == "Séance"  # fr.yaml
    assert canadian.only_english == "Only here"  # en.yaml, the fallback for every key
    assert labels(theme, "fr").checkins == "Points d'étape"
    assert labels(theme, "fr-BE").checkins == "Points d'étape"  # no fr-BE file: French
    assert labels(theme, "de").session == "Session"  # no German file: English


def test_french_gets_narrow_no_break_spaces_however_the_translator_typed_them(tmp_path):
    theme = theme_with(tmp_path, {"fr-CA.yaml": 'with_colon: "{label}:"\nmeeting_soon_title: "Bientôt?"\n'
                                                'howto_before: "Suivez «Avant la rencontre»."\n'})
    french = labels(theme, "fr-CA")
    assert french.text("session_title", n=1, title="Lancement") == f"Séance 1{NNBSP}: Lancement"
    assert french.text("with_colon", label="Pour") == f"Pour{NNBSP}:"
    assert french.meeting_soon_title == f"Bientôt{NNBSP}?"
    assert french.howto_before == f"Suivez «{NNBSP}Avant la rencontre{NNBSP}»."
    assert labels(theme, "en").text("session_title", n=1, title="Kick-off") == "Session 1: Kick-off"


# ---------------------------------------------------------------- handbook labels check

def test_labels_check_passes_for_the_shipped_languages():
    for language in ("en", "fr", "fr-CA"):
        report = check(REPO / "theme", language)
        assert report.ok and not report.unused, (language, report)


def test_labels_check_lists_missing_keys_forms_and_unused_keys(tmp_path):
    root = copy_handbook(tmp_path / "h", {})
    # a handbook repository's own fr.yaml overlays the packaged one key by key: a typo is unused
    (root / "theme/labels/fr.yaml").write_text("agendaa: Ordre du jour\n", encoding="utf-8")
    (root / "theme/labels/pl.yaml").write_text(POLISH.replace('  few: "{n} sesje"\n', ""), encoding="utf-8")
    run = run_handbook(root, "labels", "check", "fr")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "  agendaa\n" in run.stdout.split("unused")[1]
    polish = run_handbook(root, "labels", "check", "pl")  # a language only the repository has
    assert polish.returncode == 1, polish.stdout
    missing = polish.stdout.split("missing")[1].split("unused")[0]
    assert "  agenda\n" in missing and "  sessions_count.few\n" in missing
    assert run_handbook(root, "labels", "check", "en").returncode == 0
    assert run_handbook(root, "labels", "check", "not a tag").returncode == 2


def test_a_template_word_that_is_not_in_the_catalogue_fails_the_check(tmp_path):
    root = copy_handbook(tmp_path / "h", {})
    template = root / "theme/pages/checkins.md.j2"
    template.write_text(template.read_text(encoding="utf-8") + "{{ L.questions_for_later }}\n", encoding="utf-8")
    run = run_handbook(root, "labels", "check", "en")
    assert run.returncode == 1
    assert "used but not in en.yaml" in run.stdout and "  questions_for_later\n" in run.stdout


# ---------------------------------------------------------------- a French programme, built

@pytest.fixture(scope="session")
def french_build(tmp_path_factory) -> Path:
    root = copy_handbook(tmp_path_factory.mktemp("fr"), {"passerelles": FRENCH_FILE.read_text(encoding="utf-8")})
    run = run_handbook(root, "build", "--jobs", "2")
    assert run.returncode == 0, run.stdout + run.stderr
    ics = run_handbook(root, "calendar", "passerelles", "--start", "2027-01-11", "--time", "09:30",
                       "--tz", "Europe/Paris", "--out", "cohort.ics")
    assert ics.returncode == 0, ics.stderr
    return root


MACHINE_KEYS = {"id", "model", "cadence", "when", "role", "lead", "for", "with", "owner", "language", "status",
                "guide", "key", "version", "date", "name"}


def _programme_text(data, key: str = "") -> str:
    """The words a programme's author wrote (not its keys, ids or enumerated values)."""
    if isinstance(data, dict):
        return " ".join(_programme_text(v, k) for k, v in data.items())
    if isinstance(data, list):
        return " ".join(_programme_text(v, key) for v in data)
    return "" if key in MACHINE_KEYS else str(data)


def _english_only_words(root: Path) -> set[str]:
    """Words of English labels (ours and Material's) that French labels and the programme never use."""
    def words(text: str) -> set[str]:
        text = re.sub(r"\{[a-z_]+\}|`[^`]*`|\]\([^)]*\)", " ", text)  # placeholders, code, link targets
        return {w.lower() for w in re.findall(r"[A-Za-z]{2,}", text)}

    def values(data) -> str:
        if isinstance(data, dict):
            return " ".join(values(v) for v in data.values())
        return str(data)

    english = words(values(yaml.safe_load((root / "theme/labels/en.yaml").read_text(encoding="utf-8"))))
    french = words(values(yaml.safe_load((root / "theme/labels/fr.yaml").read_text(encoding="utf-8"))))
    material = Path(__import__("material").__file__).parent / "templates/partials/languages"
    english |= words(" ".join(re.findall(r'": "([^"]*)"', (material / "en.html").read_text(encoding="utf-8"))))
    french |= words(" ".join(re.findall(r'": "([^"]*)"', (material / "fr.html").read_text(encoding="utf-8"))))
    allowed = french | words(_programme_text(yaml.safe_load(FRENCH_FILE.read_text(encoding="utf-8"))))
    allowed |= words((root / "guides/training/upward.md").read_text(encoding="utf-8").splitlines()[0])  # a guide's title
    return english - allowed


def _page_text(path: Path) -> tuple[str, BeautifulSoup]:
    """What a reader sees or hears: text, titles, labels, placeholders and Material's JavaScript strings."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    config = soup.find("script", id="__config")
    for tag in soup(["script", "style"]):
        tag.decompose()
    # the site's own chrome around the programme keeps the site's name and the other sections' titles
    for tag in soup.select(".md-header__topic, .md-nav__title, .md-logo, .md-header__button.md-logo"):
        tag.decompose()
    for link in soup.select(".md-nav__link, .md-tabs__link"):
        href = link.get("href", "")
        target = (path.parent / href).resolve()
        if "programs/passerelles" not in target.as_posix():
            link.decompose()
    site_name = yaml.safe_load(re.sub(r"!ENV.*", "x", (REPO / "mkdocs.yml").read_text()))["site_name"]
    parts = [soup.get_text(" ").replace(site_name, " ")]  # the site's name is a name, not a label
    for tag in soup.find_all(True):
        parts += [tag.get(a, "") for a in ("title", "aria-label", "placeholder", "alt")]
    if config is not None:
        parts.append(" ".join(re.findall(r'"[a-z.]+": ?"([^"]*)"', config.string or "")))
    return " ".join(parts), soup


def test_a_french_programme_speaks_french_everywhere(french_build):
    english_only = _english_only_words(french_build)
    assert {"the", "session", "week", "before", "previous", "search"} <= english_only  # the list means something
    site = french_build / "site"
    pages = sorted((site / "programs/passerelles").rglob("index.html"))
    assert len(pages) == 8 + 3
    leaks: dict[str, set[str]] = {}
    for path in pages:
        text, soup = _page_text(path)
        assert soup.html["lang"] == "fr", path
        found = {w.lower() for w in re.findall(r"[A-Za-z]{2,}", text)} & english_only
        if found:
            leaks[path.relative_to(site).as_posix()] = found
    pdfs = sorted((site / "programs/passerelles/downloads").glob("*.pdf"))
    assert len(pdfs) == 6
    for path in pdfs:
        reader = PdfReader(path)
        assert reader.trailer["/Root"]["/Lang"] == "fr", path
        text = " ".join(page.extract_text() for page in reader.pages)
        text += " " + " ".join(str(field.get("/TU", "")) for field in (reader.get_fields() or {}).values())
        text += " " + str(reader.metadata.get("/Title", "")) + " " + str(reader.metadata.get("/Author", ""))
        found = {w.lower() for w in re.findall(r"[A-Za-z]{2,}", text)} & english_only
        if found:
            leaks[path.name] = found
    ics = (french_build / "cohort.ics").read_text(encoding="utf-8")
    ics_text = " ".join(re.findall(r"^(?:SUMMARY|DESCRIPTION|X-WR-CALNAME)[^:]*:(.*)$", ics.replace("\r\n ", ""), re.M))
    found = {w.lower() for w in re.findall(r"[A-Za-z]{2,}", re.sub(r"https?://\S+", "", ics_text))} & english_only
    if found:
        leaks["cohort.ics"] = found
    assert not leaks, "\n".join(f"{where}: {sorted(words)}" for where, words in leaks.items())


def test_french_pages_read_as_french(french_build):
    site = french_build / "site"
    home = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert home.html["lang"] == "en"  # the home page keeps the site's language
    assert home.select_one(".md-search__input")["placeholder"] == "Search"
    session = BeautifulSoup((site / "programs/passerelles/sessions/session-01/index.html").read_text(encoding="utf-8"),
                            "html.parser")
    assert session.select_one(".md-search__input")["placeholder"] == "Rechercher"
    assert session.title.get_text().startswith(f"Séance 1{NNBSP}: Lancement")
    assert session.select_one(".md-footer__link--next")["aria-label"].startswith("Suivant")
    text = " ".join(session.select_one("article").get_text(" ").split())
    assert f"Semaine 1 · 45 minutes · suivante{NNBSP}: Premier message" in re.sub(r"[ \n]+", " ", session.select_one("article").get_text(" "))
    assert {a["title"] for a in session.select("a.headerlink")} == {"Lien permanent"}
    assert "0 h 00–0 h 15 Présentations Ingénieur mentor" in text
    overview = " ".join(BeautifulSoup((site / "programs/passerelles/index.html").read_text(encoding="utf-8"),
                                      "html.parser").select_one("article").get_text(" ").split())
    assert "3 séances, chaque semaine, de 45 minutes chacune" in overview
    assert "environ 1 h 30 par semaine" in overview
    assert "une décision sans reproche au bout de 12 semaines" in overview
    changelog = (site / "programs/passerelles/changelog/index.html").read_text(encoding="utf-8")
    assert "1 septembre 2026" in changelog
    reader = PdfReader(site / "programs/passerelles/downloads/passerelles-director-workbook.pdf")
    tooltips = {str(f.get("/TU", "")) for f in (reader.get_fields() or {}).values()}
    assert "Votre nom" in tooltips and "Notes de la séance 1" in tooltips
    assert any(t.startswith("Spécifique") for t in tooltips)  # the built-in SMART field, in French
    ics = (french_build / "cohort.ics").read_text(encoding="utf-8")
    assert "SUMMARY;LANGUAGE=fr:Passerelles — séance 1" in ics
