"""The label catalogue: every word the handbook prints around programme content, per language.

This module is the only owner of the rules about words:

- **Files.** ``theme/labels/en.yaml`` holds every key in English. A programme's ``language``
  picks the files laid over it, most general first: ``fr-CA`` reads ``en.yaml``, then
  ``fr.yaml``, then ``fr-CA.yaml``. A key missing from a file falls back to the one before.
- **Plurals.** A key whose value is a mapping of CLDR plural categories (``one``, ``few``,
  ``many``, ``other``…) is a plural; Babel's plural rules for the language pick the form, and
  ``{n}`` is the number written the language's way.
- **Numbers, dates, lists** are written by Babel for the language (``1,5``, ``1 septembre 2026``,
  ``A, B et C``).
- **Typography.** French labels get a narrow no-break space before ``: ; ? !`` and inside
  guillemets, whatever the translator typed. German and Spanish need no rule of this kind, but German
  capitalises nouns: ``L.lowered(title)`` puts a role's title inside a sentence.

Templates read ``L.key`` (a plain string) and ``L.plural("key", n)``; Python code reads
``words.text("key", ...)`` and ``words.plural("key", n, ...)`` so that ``handbook labels check``
can see which keys are used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from .theme import Theme
from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal

FALLBACK = "en"
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")
NNBSP = "\u202f"  # narrow no-break space

# Keys looked up by name built at run time (model_<id>, cadence_<cadence>, goal_<format>_<field>...)
# are listed by ``dynamic_keys``; every other key must appear literally in a template or in Python.


def _french(text: str) -> str:
    """Narrow no-break space before ``: ; ? !`` (replacing a typed space) and inside « »."""
    text = re.sub(r"[ \u00a0\u202f]*([:;?!])(?=\s|$|\*|»|\))", lambda m: NNBSP + m.group(1), text)
    text = re.sub(r"^\u202f", "", text)
    text = re.sub(r"«[ \u00a0\u202f]*", "«" + NNBSP, text)
    return re.sub(r"[ \u00a0\u202f]*»", NNBSP + "»", text)


TYPOGRAPHY = {"fr": _french}
# Languages that capitalise every noun: a role's title keeps its capital inside a sentence ("Ihre Mentorin").
CAPITALISED_NOUNS = {"de"}


def _typeset(value: Any, rule) -> Any:
    if rule is None:
        return value
    if isinstance(value, str):
        return rule(value)
    if isinstance(value, dict):
        return {k: _typeset(v, rule) for k, v in value.items()}
    return value


def locale_for(language: str) -> Locale:
    """Babel's locale for a language tag (``fr-CA`` -> fr_CA), English when Babel does not know it."""
    for tag in (language.replace("-", "_"), language.split("-")[0]):
        try:
            return Locale.parse(tag)
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse(FALLBACK)


def chain(language: str) -> list[str]:
    """The label files read for a language, most general first: ``fr-CA`` -> en, fr, fr-ca."""
    parts = language.lower().split("-")
    names = [FALLBACK] + ["-".join(parts[:i]) for i in range(1, len(parts) + 1)]
    return list(dict.fromkeys(names))


class Labels(Mapping):
    """The words of one language; ``L.key`` in templates, ``words.text("key")`` in Python."""

    def __init__(self, values: dict[str, Any], language: str, sources: tuple[Path, ...] = ()) -> None:
        self._values = values
        self.language = language
        self.locale = locale_for(language)
        self.sources = sources

    # -- Mapping
    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            return self._values[key]
        except KeyError:
            raise AttributeError(f"no label '{key}' in theme/labels/{FALLBACK}.yaml") from None

    # -- words
    def text(self, key: str, **values: Any) -> str:
        """A label, with ``{placeholders}`` filled in."""
        template = self._values.get(key)
        if not isinstance(template, str):
            raise KeyError(f"no label '{key}' in theme/labels/{FALLBACK}.yaml" if template is None
                           else f"label '{key}' is a plural: use plural('{key}', n)")
        return template.format(**values) if values else template

    def plural(self, key: str, n: int | float, **values: Any) -> str:
        """The form of a plural label for ``n`` under the language's CLDR rule; ``{n}`` is written locally."""
        forms = self._values.get(key)
        if not isinstance(forms, Mapping):
            raise KeyError(f"no plural label '{key}' in theme/labels/{FALLBACK}.yaml")
        category = self.locale.plural_form(n)
        template = forms.get(category) or forms["other"]
        return template.format(n=self.number(n), **values)

    def lowered(self, text: str) -> str:
        """A name (a role's title) as it runs inside a sentence: lower-case ("your mentor"), except in
        languages that capitalise nouns (German keeps "Mentorin")."""
        if self.language.split("-")[0].lower() in CAPITALISED_NOUNS:
            return text
        return text.lower()

    def number(self, value: int | float) -> str:
        return format_decimal(value, locale=self.locale)

    def long_date(self, day, style: str = "long") -> str:
        return format_date(day, style, locale=self.locale)

    def join(self, items: Iterable[str], style: str = "standard") -> str:
        """'A, B and C' in the language's way."""
        items = [str(i) for i in items]
        return format_list(items, style=style, locale=self.locale) if items else ""

    def hours(self, value: float | None) -> str:
        """A duration given in hours: '1 h 30 min', '45 min', '2 h'."""
        if value is None:
            return ""
        whole, minutes = int(value), round((value - int(value)) * 60)
        if minutes == 60:
            whole, minutes = whole + 1, 0
        if whole and minutes:
            return self.text("hours_minutes", h=self.number(whole), m=self.number(minutes))
        if whole:
            return self.text("hours_only", h=self.number(whole))
        return self.text("minutes_only", m=self.number(minutes))

    def clock(self, minutes: int) -> str:
        """Time elapsed since the start of a meeting: '0:10' (English), '0 h 10' (French)."""
        return self.text("clock", h=minutes // 60, mm=f"{minutes % 60:02d}")

    # the words Labels itself reads (listed for `handbook labels check`)
    OWN_KEYS = ("hours_minutes", "hours_only", "minutes_only", "clock")


@dataclass
class CatalogueFiles:
    """The files of one language's chain, read and merged."""

    values: dict[str, Any] = field(default_factory=dict)
    sources: tuple[Path, ...] = ()


def label_files(folder: Path) -> dict[str, Path]:
    """Label files by lower-case language tag (``fr-CA.yaml`` and ``fr_ca.yaml`` are both fr-ca)."""
    found = {}
    if folder.is_dir():
        for path in sorted(folder.glob("*.yaml")):
            found[path.stem.lower().replace("_", "-")] = path
    return found


def chain_files(theme_dir: "Theme | Path", names: list[str]) -> list[Path]:
    """The label files of ``names`` (a language chain), weakest first: per language, the packaged
    file and then the repository's own (``theme/labels/fr.yaml`` overrides single keys)."""
    from .theme import Theme

    layers = [label_files(layer / "labels") for layer in reversed(Theme.of(theme_dir).layers)]
    return [files[name] for name in names for files in layers if name in files]


def labels(theme_dir: "Theme | Path", language: str = FALLBACK) -> Labels:
    """The words for a language: English, overlaid by each file of the language's chain."""
    paths = tuple(chain_files(theme_dir, chain(language)))
    return _read(paths, tuple(p.stat().st_mtime_ns for p in paths), language)  # edits show up in `serve`


def english() -> Labels:
    """The shipped English words (for tool output that is not a programme's page: diff, reports)."""
    return labels(None, FALLBACK)


def read_file(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a label file is a mapping of key: text")
    return data


@lru_cache(maxsize=64)
def _read(paths: tuple[Path, ...], mtimes: tuple[int, ...], language: str) -> Labels:
    rule = TYPOGRAPHY.get(language.split("-")[0].lower())
    merged: dict[str, Any] = {}
    for path in paths:
        for key, value in read_file(path).items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                value = {**merged[key], **value}  # a plural may override some forms only
            merged[key] = value
    return Labels({k: _typeset(v, rule) for k, v in merged.items()}, language, paths)


# ---------------------------------------------------------------- checking a catalogue

_METHODS = ("plural", "text", "lowered", "number", "long_date", "join", "hours", "clock", "language", "locale", "sources", "get")
_TEMPLATE_KEY = re.compile(r"\bL\.(?!(?:%s)\b)([a-z_][a-z0-9_]*)" % "|".join(_METHODS))
# words.text("key", ...), site.plural("key", n), say("key") -- a whole literal key, not "prefix_" + value
_CALL_KEY = re.compile(r"(?:\.text|\.plural|\bsay)\(\s*[\"']([a-z_][a-z0-9_]*)[\"']\s*[,)]")


def dynamic_keys() -> set[str]:
    """Keys the code builds from programme values (every model, cadence and built-in goal field)."""
    from .model import BUILTIN_GOAL_FIELDS, CADENCES, MODELS

    keys = {model_key(m) for m in MODELS} | {"cadence_" + c for c in CADENCES}
    keys |= {"when_before_kickoff", "when_any"}
    for name, fields in BUILTIN_GOAL_FIELDS.items():
        for key in fields:
            base = goal_key(name, key)
            keys |= {base, base + "_prompt", base + "_example"}
    return keys


def model_key(model: str) -> str:
    return "model_" + model.replace("-", "_")


def goal_key(format_name: str, field_key: str) -> str:
    return f"goal_{format_name.lower()}_{field_key}"


def used_keys(theme_dir: "Theme | Path", code_dir: Path | None = None) -> dict[str, list[str]]:
    """Every key templates and Python code use, with where (``theme/pages/x.md.j2``)."""
    from .theme import Theme

    code_dir = code_dir or Path(__file__).resolve().parent
    found: dict[str, list[str]] = {}
    own = Path(__file__).resolve()
    templates = [path for layer in Theme.of(theme_dir).layers for path in sorted(layer.rglob("*.j2"))]
    sources = templates + [p for p in sorted(code_dir.glob("*.py")) if p.resolve() != own]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        patterns = [_CALL_KEY] + ([_TEMPLATE_KEY] if path.suffix == ".j2" else [])
        where = f"{path.parent.name}/{path.name}"
        for pattern in patterns:
            for key in pattern.findall(text):
                found.setdefault(key, []).append(where)
    for key in dynamic_keys():
        found.setdefault(key, []).append("(built from programme values)")
    for key in Labels.OWN_KEYS:
        found.setdefault(key, []).append("generator/labels.py")
    return found


@dataclass
class CheckReport:
    language: str
    files: list[Path]
    missing: list[str]  # keys (or key.form for plurals) the language does not translate
    unused: list[str]  # keys no template or code uses, or that English does not have
    undefined: list[str]  # keys used somewhere but absent even from English

    @property
    def ok(self) -> bool:
        return not self.missing and not self.undefined


def check(theme_dir: "Theme | Path", language: str) -> CheckReport:
    """Compare a language's files with English and with the keys templates and code use."""
    english_paths = chain_files(theme_dir, [FALLBACK])
    english: dict[str, Any] = {}
    for path in english_paths:
        english.update(read_file(path))
    used = used_keys(theme_dir)
    own_paths = chain_files(theme_dir, [n for n in chain(language) if n != FALLBACK])
    own: dict[str, Any] = {}
    for path in own_paths:
        own.update(read_file(path))
    if language.lower() == FALLBACK:
        own, own_paths = english, english_paths
    locale = locale_for(language)
    needed_forms = sorted(set(locale.plural_form.tags) | {"other"}, key=PLURAL_CATEGORIES.index)
    missing: list[str] = []
    for key, value in english.items():
        if key not in own:
            missing.append(key)
        elif isinstance(value, dict):
            forms = own[key] if isinstance(own[key], dict) else {}
            missing += [f"{key}.{form}" for form in needed_forms if form not in forms]
    unused = sorted(k for k in set(english) | set(own) if k not in used)
    unused += sorted(f"{k} (not in {FALLBACK}.yaml)" for k in own if k not in english and k in used)
    undefined = sorted(k for k in used if k not in english)
    return CheckReport(language, own_paths, missing, unused, undefined)


def closest_language(tag: str, available: set[str], default: str) -> str:
    """The available translation closest to a language tag (fr-CA -> fr, pt-BR -> pt-BR), else ``default``."""
    parts = tag.split("-")
    for name in dict.fromkeys([tag, "-".join([parts[0].lower(), *parts[1:]]), parts[0].lower()]):
        if name in available:
            return name
    return default
