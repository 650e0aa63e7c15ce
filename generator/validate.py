"""Step 3: check a loaded programme against the contract and return problems for humans.

Cheap structural checks (types, unknown and missing keys) come from the pydantic model; the
cross-reference, time and content-safety checks below run only on a programme that parsed.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .cohorts import cohort_problems
from .load import Document, load_file, load_text
from .model import SPECIAL_PARTIES, Programme, goal_field_keys
from .problems import Problem, display_path


@dataclass
class Loaded:
    """A programme file after loading and validation: the model is None when it has errors."""

    path: Path
    doc: Document
    programme: Programme | None


# ---------------------------------------------------------------- pydantic errors -> problems

_TYPE_WORDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list (lines starting with '- ')",
    "dict_type": "a mapping (key: value lines)",
    "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)",
    "date_type": "a date written YYYY-MM-DD",
    "date_parsing": "a date written YYYY-MM-DD",
    "date_from_datetime_parsing": "a date written YYYY-MM-DD",
    "date_from_datetime_inexact": "a date written YYYY-MM-DD",
}

_PATTERN_WORDS = {
    "id": ("a slug: lowercase letters, digits and single hyphens", "e.g. 'digital-leaders'"),
    "version": ("a semantic version", "write three numbers such as 2.1.0"),
    "language": ("a language tag", "e.g. 'en' or 'fr-CA'"),
    "when": ("'before-kickoff', 'any' or 'week-N'", "e.g. 'week-3'"),
    "key": ("a short key: lowercase letters, digits, '_' or '-'", "e.g. 'time_bound'"),
    "time": ("a clock time HH:MM (24-hour)", "e.g. '09:30' or '14:00'"),
}


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"'{str(value).lower()}' (true/false)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    text = str(value)
    return f"'{text[:40]}…'" if len(text) > 40 else f"'{text}'"


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types inside Annotated/Optional/Union annotations."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def _model_at(path: tuple[Any, ...]) -> type[BaseModel] | None:
    """Which model class describes the mapping at ``path`` (to suggest key names)."""
    candidates: list[Any] = [Programme]
    for step in path:
        nxt: list[Any] = []
        for cand in candidates:
            origin = typing.get_origin(cand)
            if isinstance(cand, type) and issubclass(cand, BaseModel) and isinstance(step, str):
                for name, info in cand.model_fields.items():
                    if step in (name, info.alias):
                        nxt += _unwrap(info.annotation)
            elif origin is list and isinstance(step, int):
                nxt += _unwrap(typing.get_args(cand)[0])
            elif origin is dict and isinstance(step, str):
                nxt += _unwrap(typing.get_args(cand)[1])
        candidates = nxt
    for cand in candidates:
        if isinstance(cand, type) and issubclass(cand, BaseModel):
            return cand
    return None


def _field_names(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _data_path(data: Any, loc: tuple[Any, ...]) -> tuple[tuple[Any, ...], bool]:
    """Keep only the loc segments that exist in the data (drops pydantic's union tags)."""
    path: list[Any] = []
    node = data
    complete = True
    for step in loc:
        if isinstance(node, dict) and isinstance(step, str) and step in node:
            node = node[step]
            path.append(step)
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
            path.append(step)
        else:
            complete = False
    return tuple(path), complete


def _error_to_problem(doc: Document, err: dict[str, Any]) -> Problem:
    loc = tuple(err["loc"])
    kind = err["type"]
    data = doc.data
    file = doc.file
    if kind == "missing":
        parent, _ = _data_path(data, loc[:-1])
        name = str(loc[-1])
        line, col = doc.where(parent, key=True)
        where = f" in '{parent[-1]}'" if parent and isinstance(parent[-1], str) else ""
        if parent and isinstance(parent[-1], int) and len(parent) > 1:
            where = f" in item {parent[-1] + 1} of '{parent[-2]}'"
        return Problem(file, line, col, f"missing required key '{name}'{where}", f"add '{name}: ...'")
    path, _ = _data_path(data, loc)
    name = next((str(s) for s in reversed(path) if isinstance(s, str)), "value")
    value = err.get("input")
    if kind == "extra_forbidden":
        line, col = doc.where(path, key=True)
        model = _model_at(path[:-1])
        allowed = _field_names(model) if model else []
        suggestion = _suggest(str(path[-1]), allowed)
        hint = "fix the spelling" if suggestion else (
            f"allowed keys here: {', '.join(allowed)}" if allowed else "remove it")
        return Problem(file, line, col, f"unknown key '{path[-1]}'{suggestion}", hint)
    # a list or mapping is best pointed at by its key; a single value by the value itself
    line, col = doc.where(path, key=isinstance(value, (list, dict)))
    if kind in _TYPE_WORDS:
        hint = ""
        if kind == "string_type" and isinstance(value, dict) and len(value) == 1:
            hint = "a ': ' inside the text made YAML read it as 'key: value'; put the whole text in quotes"
        return Problem(file, line, col, f"'{name}' should be {_TYPE_WORDS[kind]}, not {_describe(value)}", hint)
    if kind == "literal_error":
        expected = re.findall(r"'([^']*)'", err.get("ctx", {}).get("expected", ""))
        return Problem(file, line, col,
                       f"'{name}' cannot be {_describe(value)}{_suggest(str(value), expected)}",
                       f"choose one of: {', '.join(expected)}")
    if kind == "string_pattern_mismatch":
        what, hint = _PATTERN_WORDS.get(name, ("in the expected form", err["msg"]))
        if name == "id" or (len(path) >= 2 and path[-1] == "id"):
            what, hint = _PATTERN_WORDS["id"]
        return Problem(file, line, col, f"'{name}' must be {what}, not {_describe(value)}", hint)
    if kind in ("too_short", "too_long"):
        limit = err.get("ctx", {}).get("min_length" if kind == "too_short" else "max_length")
        word = "at least" if kind == "too_short" else "at most"
        return Problem(file, line, col, f"'{name}' needs {word} {limit} item(s)", "add the missing entries")
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return Problem(file, line, col, f"'{name}' is out of range: {err['msg'].lower()} (got {_describe(value)})")
    if kind == "string_too_short":
        return Problem(file, line, col, f"'{name}' must not be empty", "write a value or remove the key")
    return Problem(file, line, col, f"'{name}': {err['msg']}")


# ---------------------------------------------------------------- content safety

# a tag as browsers read it (no space after '<', closed by '>'), comments and declarations, or the
# opening of an element that fetches or runs something even when its '>' is on a later line
_HTML = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>|<!--|<!\[CDATA\[|<![A-Za-z]|<\?"
                   r"|<(?:script|img|iframe|frame|style|object|embed|svg|link|meta|base|form|input|a|video|audio)\b",
                   re.IGNORECASE)
_INLINE_LINK = re.compile(r"(!?)\[[^\]]*\]\(\s*<?([^)\s>]*)")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
_BARE_URL = re.compile(r"\b(?:https?|ftp|file|sftp|smb)://\S*|\bwww\.[a-z0-9-]+\.[a-z]{2,}\S*", re.IGNORECASE)
_REF_IMAGE = re.compile(r"!\[[^\]]*\]\s*\[")


def _text_problems(text: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if m := _HTML.search(text):
        found.append((f"raw HTML is not allowed in programme text (found '{m.group(0).strip()}…')",
                      "write plain Markdown; use **bold** or *italics* for emphasis"))
    targets = [(bang == "!", target) for bang, target in _INLINE_LINK.findall(text)]
    targets += [(False, t) for t in _REF_DEF.findall(text)]
    for is_image, target in targets:
        if is_image:
            found.append((f"images are not allowed in programme text ('{target}')",
                          "describe it in words; programme text may not load files"))
        elif not (target.startswith("#") or target.lower().startswith("mailto:")):
            found.append((f"links to files or web addresses are not allowed in programme text ('{target}')",
                          "name the resource in words, or link a guide with the training 'guide' key"))
    if _REF_IMAGE.search(text):
        found.append(("images are not allowed in programme text", "describe it in words"))
    if not targets and (m := _BARE_URL.search(text)):
        found.append((f"web addresses are not allowed in programme text ('{m.group(0)}')",
                      "name the resource in words; the handbook never points readers at outside files"))
    return found


def _walk_strings(data: Any, path: tuple[Any, ...] = ()):
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _walk_strings(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _walk_strings(value, path + (i,))


# ---------------------------------------------------------------- cross references

class _Checker:
    def __init__(self, doc: Document, prog: Programme, guides_dir: Path | None, expected_id: str | None):
        self.doc = doc
        self.prog = prog
        self.guides_dir = guides_dir
        self.expected_id = expected_id
        self.problems: list[Problem] = []

    def add(self, path: tuple[Any, ...], message: str, hint: str = "", *, key: bool = False) -> None:
        line, col = self.doc.where(path, key=key)
        self.problems.append(Problem(self.doc.file, line, col, message, hint))

    def role_ref(self, path: tuple[Any, ...], ref: str, *, key: bool = False, special: bool = True) -> None:
        ids = [r.id for r in self.prog.roles]
        if ref in ids or (special and ref in SPECIAL_PARTIES):
            return
        self.add(path, f"unknown role '{ref}'{_suggest(ref, ids)}",
                 f"roles defined in this programme: {', '.join(ids)}", key=key)

    def run(self) -> list[Problem]:
        p = self.prog
        if self.expected_id is not None and p.id != self.expected_id:
            self.add(("id",), f"id '{p.id}' does not match the file name '{self.expected_id}.yaml'",
                     f"rename the file to '{p.id}.yaml' or set 'id: {self.expected_id}'")
        seen: dict[str, int] = {}
        for i, role in enumerate(p.roles):
            if role.id in seen:
                self.add(("roles", i, "id"), f"role id '{role.id}' is used twice",
                         "give each role its own id")
            seen[role.id] = i
        for i, outcome in enumerate(p.purpose.outcomes):
            self.role_ref(("purpose", "outcomes", i, "role"), outcome.role)
        for i, owner in enumerate(p.goal_format.owner):
            path = ("goal_format", "owner", i) if isinstance(self.doc.data["goal_format"].get("owner"), list) else ("goal_format", "owner")
            self.role_ref(path, owner, special=True)
        self.goal_format()
        self.training()
        self.sessions()
        n = len(p.sessions)
        for i, checkin in enumerate(p.checkins):
            if checkin.after_session > n:
                self.add(("checkins", i, "after_session"),
                         f"check-in '{checkin.title}' comes after session {checkin.after_session}, "
                         f"but the programme has {n} session(s)", f"use a number from 1 to {n}")
            for j, who in enumerate(checkin.with_):
                path = ("checkins", i, "with", j) if isinstance(self.doc.data["checkins"][i].get("with"), list) else ("checkins", i, "with")
                self.role_ref(path, who)
        self.problems += cohort_problems(self.doc, p)
        self.changelog()
        return self.problems

    def goal_format(self) -> None:
        fmt = self.prog.goal_format
        if fmt.name == "custom" and not fmt.fields:
            self.add(("goal_format", "name"), "a custom goal format needs 'fields'",
                     "list the fields: '- key: ...\\n  label: ...\\n  prompt: ...'")
        keys: set[str] = set()
        for i, field in enumerate(fmt.fields):
            if field.key in keys:
                self.add(("goal_format", "fields", i, "key"), f"goal field '{field.key}' is listed twice")
            keys.add(field.key)
        known = goal_field_keys(fmt)
        for i, example in enumerate(fmt.examples):
            if isinstance(example, dict):
                for key in example:
                    if key not in known and key not in ("text", "title"):
                        self.add(("goal_format", "examples", i, key),
                                 f"goal example uses '{key}', which is not a field of the {fmt.name} format{_suggest(key, known)}",
                                 f"fields: {', '.join(known)}", key=True)

    def training(self) -> None:
        ids: set[str] = set()
        n = len(self.prog.sessions)
        for i, module in enumerate(self.prog.training):
            if module.id in ids:
                self.add(("training", i, "id"), f"training id '{module.id}' is used twice")
            ids.add(module.id)
            raw_for = self.doc.data["training"][i].get("for")
            for j, role in enumerate(module.for_):
                self.role_ref(("training", i, "for", j) if isinstance(raw_for, list) else ("training", i, "for"), role)
            if module.when.startswith("week-") and int(module.when[5:]) > n:
                self.add(("training", i, "when"), f"'{module.when}' is after the last session (week {n})",
                         f"use week-1 … week-{n}, 'before-kickoff' or 'any'")
            if module.guide is not None:
                self.guide(("training", i, "guide"), module.guide)

    def guide(self, path: tuple[Any, ...], guide: str) -> None:
        parts = Path(guide).parts
        if guide.startswith(("/", "\\")) or ".." in parts or "://" in guide or not guide.endswith(".md"):
            self.add(path, f"guide '{guide}' must be a Markdown page inside guides/",
                     "write a path such as 'training/active-listening.md'")
            return
        if self.guides_dir is not None and not (self.guides_dir / guide).is_file():
            self.add(path, f"guide '{guide}' does not exist under guides/",
                     f"create guides/{guide} or fix the path")

    def sessions(self) -> None:
        p = self.prog
        for i, session in enumerate(p.sessions):
            if session.number != i + 1:
                self.add(("sessions", i, "number"),
                         f"sessions must be numbered 1, 2, 3 … without gaps: expected {i + 1} here, found {session.number}",
                         "renumber the sessions in order")
                break
        for i, session in enumerate(p.sessions):
            base = ("sessions", i)
            for role in session.prep:
                self.role_ref(base + ("prep", role), role, key=True)
            for role in session.exercises:
                self.role_ref(base + ("exercises", role), role, key=True)
            total = 0
            for j, item in enumerate(session.agenda):
                total += item.minutes
                if item.lead is not None:
                    self.role_ref(base + ("agenda", j, "lead"), item.lead)
            length = p.session_minutes(session)
            if total > length:
                self.add(base + ("agenda",),
                         f"the agenda of session {session.number} adds up to {total} minutes, "
                         f"but the session lasts {length}",
                         f"shorten the steps or set 'minutes: {total}' on the session", key=True)

    def changelog(self) -> None:
        log = self.prog.changelog
        if not log:
            return
        if log[0].version != self.prog.version:
            self.add(("changelog", 0, "version"),
                     f"the newest changelog entry is {log[0].version} but the programme's version is {self.prog.version}",
                     "add a changelog entry for the new version at the top (newest first)")
        for i in range(1, len(log)):
            if log[i].date > log[i - 1].date:
                self.add(("changelog", i, "date"), "changelog entries must be newest first",
                         "move the newest entry to the top")
                break


# ---------------------------------------------------------------- hand-written guides

_FETCHING_TAG = re.compile(r"<\s*(img|script|iframe|frame|link|object|embed|video|audio|source|track|style|base|meta|"
                           r"svg|image|use|picture|portal)\b", re.IGNORECASE)
_REMOTE_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?((?:[a-z][a-z0-9+.-]*:|/|\\)[^)\s>]*)", re.IGNORECASE)
_REMOTE_URL_IN_CSS = re.compile(r"url\(\s*['\"]?\s*(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)


def check_guides(guides_dir: Path, root: Path | None = None) -> list[Problem]:
    """Hand-written pages may link anywhere, but must not make a reader's browser fetch anything.

    Refused: HTML elements that load resources (img, script, iframe, style, …), Markdown images
    with a scheme or an absolute path, and CSS ``url()`` pointing elsewhere. Relative images kept
    inside guides/ are fine: they ship with the site.
    """
    problems: list[Problem] = []
    if not guides_dir.is_dir():
        return problems
    for path in sorted(guides_dir.rglob("*.md")):
        shown = display_path(path, root)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            problems.append(Problem(shown, 1, 1, "the page is not readable UTF-8 text", "save it as UTF-8"))
            continue
        in_code = False
        for number, line in enumerate(text.splitlines(), 1):
            if line.lstrip().startswith(("```", "~~~")):
                in_code = not in_code
            if in_code or line.startswith("    "):
                continue
            line = re.sub(r"`[^`]*`", "", line)  # inline code is shown, not run
            for pattern, message in (
                (_FETCHING_TAG, "HTML that loads a resource (<{0}>) is not allowed in a guide"),
                (_REMOTE_IMAGE, "images must be files inside guides/, not '{0}'"),
                (_REMOTE_URL_IN_CSS, "CSS that loads a resource from elsewhere is not allowed in a guide"),
            ):
                if m := pattern.search(line):
                    problems.append(Problem(shown, number, m.start() + 1, message.format(m.group(1) if m.groups() else ""),
                                            "the handbook is self-contained: keep images beside the page and use Markdown"))
    return problems


# ---------------------------------------------------------------- public API

def check_document(doc: Document, *, guides_dir: Path | None = None,
                   expected_id: str | None = None) -> tuple[Programme | None, list[Problem]]:
    """Validate loaded data; returns the programme (None if invalid) and all problems."""
    problems: list[Problem] = []
    for path, text in _walk_strings(doc.data):
        for message, hint in _text_problems(text):
            line, col = doc.where(path)
            problems.append(Problem(doc.file, line, col, message, hint))
    try:
        prog = Programme.model_validate(doc.data)
    except ValidationError as exc:
        problems += _drop_typo_echoes([_error_to_problem(doc, e) for e in exc.errors()])
        return None, _dedupe(problems)
    problems += _Checker(doc, prog, guides_dir, expected_id).run()
    return (None if problems else prog), _dedupe(problems)


def _drop_typo_echoes(problems: list[Problem]) -> list[Problem]:
    """A misspelt required key shows up twice (unknown + missing): keep only the typo."""
    suggested = {m.group(1) for p in problems if (m := re.search(r"did you mean '([^']+)'", p.message))}
    return [p for p in problems
            if not (p.message.startswith("missing required key") and
                    re.search(r"key '([^']+)'", p.message).group(1) in suggested)]


def _dedupe(problems: list[Problem]) -> list[Problem]:
    out: list[Problem] = []
    for p in problems:
        if p not in out:
            out.append(p)
    return out


def check_text(text: str, file: str, *, guides_dir: Path | None = None,
               expected_id: str | None = None) -> tuple[Programme | None, list[Problem]]:
    """Load and validate programme text (e.g. a file at a git revision)."""
    doc, problems = load_text(text, file)
    if problems:
        return None, problems
    return check_document(doc, guides_dir=guides_dir, expected_id=expected_id)


def programme_files(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(path.as_posix(), 0, 0, "no such file or folder"))
    return files, problems


def load_programmes(paths: list[Path], *, guides_dir: Path | None, root: Path | None = None) -> tuple[list[Loaded], list[Problem]]:
    """Load and validate every programme file under ``paths``; also checks ids are unique."""
    files, problems = programme_files(paths)
    loaded: list[Loaded] = []
    for path in files:
        shown = display_path(path, root)
        doc, found = load_file(path, shown)
        prog = None
        if not found:
            prog, found = check_document(doc, guides_dir=guides_dir, expected_id=path.stem)
        problems += found
        loaded.append(Loaded(path, doc, prog))
    owners: dict[str, Loaded] = {}
    for item in loaded:
        if item.programme is None:
            continue
        pid = item.programme.id
        if pid in owners:
            line, col = item.doc.where(("id",))
            problems.append(Problem(item.doc.file, line, col,
                                    f"programme id '{pid}' is already used by {owners[pid].doc.file}",
                                    "give each programme its own id"))
        else:
            owners[pid] = item
    return loaded, problems
