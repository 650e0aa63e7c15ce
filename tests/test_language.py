"""Every word in the programme's language: the label catalogue (plurals, regional variants,
typography), `handbook labels check` for the shipped languages (en, fr, de, es), one-off and plural
wording in each, and a French and a German programme built for real with no English left."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from babel import Locale
from bs4 import BeautifulSoup
from pypdf import PdfReader

from conftest import FIXTURES, REPO, copy_handbook, run_handbook
from generator.labels import NNBSP, check, closest_language, labels
from generator.model import Programme
from generator.pages import catalogue

SHIPPED = ("en", "fr", "de", "es")  # languages whose label files are complete
MATERIAL_LANGUAGES = Path(__import__("material").__file__).parent / "templates/partials/languages"


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
    assert labels(theme, "it").session == "Session"  # no Italian file: English
    assert labels(theme, "de-AT").session == "Sitzung"  # no de-AT file: German


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
    for language in SHIPPED + ("fr-CA", "es-MX", "de-CH"):
        report = check(REPO / "theme", language)
        assert report.ok and not report.unused, (language, report)
    assert {"one", "many"} <= set(Locale.parse("es").plural_form.tags)  # Spanish needs its 'many' form…
    assert all(set(value) >= {"one", "many", "other"}  # …and has it for every plural
               for value in yaml.safe_load((REPO / "theme/labels/es.yaml").read_text(encoding="utf-8")).values()
               if isinstance(value, dict))


def test_labels_check_cli_reports_nothing_missing_or_unused_for_the_shipped_languages(tmp_path):
    for language in SHIPPED:
        run = run_handbook(REPO, "labels", "check", language, env={"HANDBOOK_CACHE": str(tmp_path)})
        assert run.returncode == 0 and "No missing keys (0 unused)." in run.stdout + run.stderr, (language, run)


# ---------------------------------------------------------------- one-off, one-session and plural wording

TINY = FIXTURES / "tiny-peers.yaml"
WORDING = {  # language: (catalogue line of a one-off, of one weekly session (model · language · rhythm); sessions_count for 1, 2, 5, 21, 1 000 000)
    "en": ("Peer mentoring · English · a single event of 30 minutes · version 0.1.0",
           "Peer mentoring · English · 1 session every week · about 1 week · version 0.1.0",
           ["1 session", "2 sessions", "5 sessions", "21 sessions", "1,000,000 sessions"]),
    "fr": ("Mentorat entre pairs · Anglais · un seul événement de 30 minutes · version 0.1.0",
           "Mentorat entre pairs · Anglais · 1 séance chaque semaine · environ 1 semaine · version 0.1.0",
           ["1 séance", "2 séances", "5 séances", "21 séances", f"1{NNBSP}000{NNBSP}000 de séances"]),
    "de": ("Peer-Mentoring · Englisch · eine einzelne Veranstaltung von 30 Minuten · Version 0.1.0",
           "Peer-Mentoring · Englisch · 1 Sitzung wöchentlich · etwa 1 Woche · Version 0.1.0",
           ["1 Sitzung", "2 Sitzungen", "5 Sitzungen", "21 Sitzungen", "1.000.000 Sitzungen"]),
    "es": ("Mentoría entre iguales · Inglés · un único encuentro de 30 minutos · versión 0.1.0",
           "Mentoría entre iguales · Inglés · 1 sesión cada semana · alrededor de 1 semana · versión 0.1.0",
           ["1 sesión", "2 sesiones", "5 sesiones", "21 sesiones", "1.000.000 de sesiones"]),
}
OTHER_PLURALS = {  # language: minutes_count 1 and 45, steps_count 1 and 21, about_weeks 1 and 12, prepares 1 and 2
    "en": ["1 minute", "45 minutes", "1 step", "21 steps", "about 1 week", "about 12 weeks",
           "Your mentor prepares one item for this meeting.", "Your mentor prepares 2 items for this meeting."],
    "fr": ["1 minute", "45 minutes", "1 étape", "21 étapes", "environ 1 semaine", "environ 12 semaines",
           f"Rôle mentor{NNBSP}: prépare un élément pour cette rencontre.",
           f"Rôle mentor{NNBSP}: prépare 2 éléments pour cette rencontre."],
    "de": ["1 Minute", "45 Minuten", "1 Schritt", "21 Schritte", "etwa 1 Woche", "etwa 12 Wochen",
           "Ihr Gegenüber (Mentorin) bereitet für dieses Treffen einen Punkt vor.",
           "Ihr Gegenüber (Mentorin) bereitet für dieses Treffen 2 Punkte vor."],
    "es": ["1 minuto", "45 minutos", "1 paso", "21 pasos", "alrededor de 1 semana", "alrededor de 12 semanas",
           "Tu compañero o compañera (mentora) prepara un punto para esta reunión.",
           "Tu compañero o compañera (mentora) prepara 2 puntos para esta reunión."],
}
ROLE_TITLE = {"en": "Mentor", "fr": "Mentor", "de": "Mentorin", "es": "Mentora"}


@pytest.mark.parametrize("language", SHIPPED)
def test_one_off_one_session_and_plurals_read_correctly(language):
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    one_off = Programme.model_validate(data)  # cadence once, one session
    weekly = Programme.model_validate({**data, "id": "tiny-weekly", "title": "Tiny Weekly",
                                       "schedule": {"cadence": "weekly", "session_minutes": 30}})
    page = catalogue([one_off, weekly], REPO / "theme", language)
    lines = [line.strip() for line in page.splitlines() if " · " in line and "](" not in line]
    single, one_session, sessions = WORDING[language]
    assert lines == [single, one_session]
    words = labels(REPO / "theme", language)
    assert [words.plural("sessions_count", n) for n in (1, 2, 5, 21, 1_000_000)] == sessions
    role = words.lowered(ROLE_TITLE[language])  # a role's title inside a sentence keeps its capital in German
    assert [words.plural("minutes_count", 1), words.plural("minutes_count", 45),
            words.plural("steps_count", 1), words.plural("steps_count", 21),
            words.plural("about_weeks", 1), words.plural("about_weeks", 12),
            words.plural("prepares", 1, role=role), words.plural("prepares", 2, role=role)] == OTHER_PLURALS[language]
    assert words.text("single_event", minutes=words.plural("minutes_count", 1)) == {
        "en": "a single event of 1 minute", "fr": "un seul événement de 1 minute",
        "de": "eine einzelne Veranstaltung von 1 Minute", "es": "un único encuentro de 1 minuto"}[language]


def test_german_and_spanish_numbers_dates_and_durations():
    german, spanish = labels(REPO / "theme", "de"), labels(REPO / "theme", "es")
    assert german.hours(1.5) == "1 Std. 30 Min." and german.hours(0.75) == "45 Min." and german.clock(70) == "1:10"
    assert spanish.hours(1.5) == "1 h 30 min" and spanish.clock(70) == "1:10"
    assert german.long_date(dt.date(2026, 9, 1)) == "1. September 2026"
    assert spanish.long_date(dt.date(2026, 9, 1)) == "1 de septiembre de 2026"
    assert german.join(["A", "B", "C"]) == "A, B und C" and spanish.join(["A", "B", "C"]) == "A, B y C"
    assert german.number(1.5) == "1,5" and spanish.number(1.5) == "1,5"
    assert german.text("session_title", n=1, title="Auftakt") == "Sitzung 1: Auftakt"  # no French spacing
    assert spanish.meeting_soon_title == "¿Tienes una reunión pronto?"


def test_a_spanish_programme_gets_html_lang_es_and_materials_spanish_interface():
    """The page partial Material's base.html imports (``<html lang="{{ lang.t('language') }}">``),
    rendered as for a Spanish programme's page, without a build."""
    import jinja2

    available = {path.stem for path in MATERIAL_LANGUAGES.glob("*.html")}
    assert closest_language("es", available, "en") == "es" and closest_language("es-MX", available, "en") == "es"
    assert closest_language("de-AT", available, "en") == "de"
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([REPO / "theme/overrides", MATERIAL_LANGUAGES.parents[1]]))
    page = type("Page", (), {"meta": {"language": "es", "material_language": closest_language("es", available, "en")}})
    template = env.from_string('{% import "partials/language.html" as lang with context %}'
                               '{{ lang.t("language") }}|{{ lang.t("search.placeholder") }}|{{ lang.t("footer.next") }}')
    assert template.render(page=page, config={"theme": {"language": "en"}}) == "es|Búsqueda|Siguiente"
    home = template.render(page=None, config={"theme": {"language": "en"}})
    assert home == "en|Search|Next"  # pages without a programme keep the site's language


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


# ---------------------------------------------------------------- programmes in other languages, built

FRENCH_FILE = FIXTURES / "passerelles.yaml"
GERMAN_FILE = FIXTURES / "weitblick.yaml"


@dataclass(frozen=True)
class Built:
    """One programme written in another language than the site's, built for real (site, PDFs, a cohort's .ics)."""

    language: str
    file: Path
    root: Path

    @property
    def id(self) -> str:
        return self.file.stem


def _build(tmp_path_factory, language: str, file: Path, zone: str) -> Built:
    root = copy_handbook(tmp_path_factory.mktemp(language), {file.stem: file.read_text(encoding="utf-8")})
    run = run_handbook(root, "build", "--jobs", "2")
    assert run.returncode == 0, run.stdout + run.stderr
    ics = run_handbook(root, "calendar", file.stem, "--start", "2027-01-11", "--time", "09:30",
                       "--tz", zone, "--out", "cohort.ics")
    assert ics.returncode == 0, ics.stderr
    return Built(language, file, root)


@pytest.fixture(scope="session")
def french_build(tmp_path_factory) -> Built:
    return _build(tmp_path_factory, "fr", FRENCH_FILE, "Europe/Paris")


@pytest.fixture(scope="session")
def german_build(tmp_path_factory) -> Built:
    return _build(tmp_path_factory, "de", GERMAN_FILE, "Europe/Berlin")


MACHINE_KEYS = {"id", "model", "cadence", "when", "role", "lead", "for", "with", "owner", "language", "status",
                "guide", "key", "version", "date", "name"}
WORD = re.compile(r"[^\W\d_]{2,}")  # a word of two letters or more, accented letters included


def _words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(text)}


def _programme_text(data, key: str = "") -> str:
    """The words a programme's author wrote (not its keys, ids or enumerated values)."""
    if isinstance(data, dict):
        return " ".join(_programme_text(v, k) for k, v in data.items())
    if isinstance(data, list):
        return " ".join(_programme_text(v, key) for v in data)
    return "" if key in MACHINE_KEYS else str(data)


def _english_only_words(built: Built) -> set[str]:
    """Words of English labels (ours and Material's) that the language's labels and the programme never use."""
    def words(text: str) -> set[str]:
        return _words(re.sub(r"\{[a-z_]+\}|`[^`]*`|\]\([^)]*\)", " ", text))  # placeholders, code, link targets

    def values(data) -> str:
        if isinstance(data, dict):
            return " ".join(values(v) for v in data.values())
        return str(data)

    def label_words(language: str) -> set[str]:
        found = words(values(yaml.safe_load((built.root / f"theme/labels/{language}.yaml").read_text(encoding="utf-8"))))
        material = (MATERIAL_LANGUAGES / f"{language}.html").read_text(encoding="utf-8")
        return found | words(" ".join(re.findall(r'": "([^"]*)"', material)))

    allowed = label_words(built.language) | words(_programme_text(yaml.safe_load(built.file.read_text(encoding="utf-8"))))
    allowed |= words((built.root / "guides/training/upward.md").read_text(encoding="utf-8").splitlines()[0])  # a guide's title
    return label_words("en") - allowed


def _page_text(path: Path, programme: str) -> tuple[str, BeautifulSoup]:
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
        if f"programs/{programme}" not in target.as_posix():
            link.decompose()
    site_name = yaml.safe_load(re.sub(r"!ENV.*", "x", (REPO / "mkdocs.yml").read_text()))["site_name"]
    parts = [soup.get_text(" ").replace(site_name, " ")]  # the site's name is a name, not a label
    for tag in soup.find_all(True):
        parts += [tag.get(a, "") for a in ("title", "aria-label", "placeholder", "alt")]
    if config is not None:
        parts.append(" ".join(re.findall(r'"[a-z.]+": ?"([^"]*)"', config.string or "")))
    return " ".join(parts), soup


def _english_leaks(built: Built) -> dict[str, set[str]]:
    """English-only words, by page, PDF and calendar, in everything the programme's readers get;
    every page says <html lang>, every PDF /Lang, in the programme's language."""
    english_only = _english_only_words(built)
    assert {"the", "session", "week", "before", "previous", "search"} <= english_only  # the list means something
    site = built.root / "site"
    pages = sorted((site / "programs" / built.id).rglob("index.html"))
    assert len(pages) == 8 + 3
    leaks: dict[str, set[str]] = {}
    for path in pages:
        text, soup = _page_text(path, built.id)
        assert soup.html["lang"] == built.language, path
        if found := _words(text) & english_only:
            leaks[path.relative_to(site).as_posix()] = found
    pdfs = sorted((site / "programs" / built.id / "downloads").glob("*.pdf"))
    assert len(pdfs) == 6
    for path in pdfs:
        reader = PdfReader(path)
        assert reader.trailer["/Root"]["/Lang"] == built.language, path
        text = " ".join(page.extract_text() for page in reader.pages)
        text += " " + " ".join(str(field.get("/TU", "")) for field in (reader.get_fields() or {}).values())
        text += " " + str(reader.metadata.get("/Title", "")) + " " + str(reader.metadata.get("/Author", ""))
        if found := _words(text) & english_only:
            leaks[path.name] = found
    ics = (built.root / "cohort.ics").read_text(encoding="utf-8")
    ics_text = " ".join(re.findall(r"^(?:SUMMARY|DESCRIPTION|X-WR-CALNAME)[^:]*:(.*)$", ics.replace("\r\n ", ""), re.M))
    if found := _words(re.sub(r"https?://\S+", "", ics_text)) & english_only:
        leaks["cohort.ics"] = found
    return leaks


@pytest.mark.parametrize("language", ["french", "german"])
def test_a_programme_in_another_language_speaks_it_everywhere(language, request):
    leaks = _english_leaks(request.getfixturevalue(f"{language}_build"))
    assert not leaks, "\n".join(f"{where}: {sorted(words)}" for where, words in leaks.items())


def test_french_pages_read_as_french(french_build):
    site = french_build.root / "site"
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
    ics = (french_build.root / "cohort.ics").read_text(encoding="utf-8")
    assert "SUMMARY;LANGUAGE=fr:Passerelles — séance 1" in ics


def test_german_pages_read_as_german(german_build):
    site = german_build.root / "site"
    session = BeautifulSoup((site / "programs/weitblick/sessions/session-01/index.html").read_text(encoding="utf-8"),
                            "html.parser")
    assert session.html["lang"] == "de"
    assert session.select_one(".md-search__input")["placeholder"] == "Suche"  # Material's German interface
    assert session.title.get_text().startswith("Sitzung 1: Kennenlernen")
    assert session.select_one(".md-footer__link--next")["aria-label"].startswith("Weiter")
    text = " ".join(session.select_one("article").get_text(" ").split())
    assert "Woche 1 · 60 Minuten · nächste: Das schwierige Gespräch" in text
    assert {a["title"] for a in session.select("a.headerlink")} == {"Permanenter Link"}
    assert "0:00–0:20 Vorstellungsrunde Mentorin" in text
    overview = " ".join(BeautifulSoup((site / "programs/weitblick/index.html").read_text(encoding="utf-8"),
                                      "html.parser").select_one("article").get_text(" ").split())
    assert "3 Sitzungen, alle zwei Wochen, je 60 Minuten" in overview
    assert "etwa 1 Std. 30 Min. pro Woche" in overview
    assert "eine Entscheidung ohne Schuldzuweisung nach 10 Wochen" in overview
    assert "1. September 2026" in (site / "programs/weitblick/changelog/index.html").read_text(encoding="utf-8")
    reader = PdfReader(site / "programs/weitblick/downloads/weitblick-mentee-workbook.pdf")
    tooltips = {str(f.get("/TU", "")) for f in (reader.get_fields() or {}).values()}
    assert "Ihr Name" in tooltips and "Notizen zu Sitzung 1" in tooltips
    assert any(t.startswith("Realität") for t in tooltips)  # the built-in GROW field, in German
    pdf_text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "in der Rolle Teamleitung" in pdf_text  # a role's title keeps its capital inside a German sentence
    ics = (german_build.root / "cohort.ics").read_text(encoding="utf-8")
    assert "SUMMARY;LANGUAGE=de:Weitblick – Sitzung 1" in ics
