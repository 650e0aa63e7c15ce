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
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from .load import Document, load_file, load_text
from .model import SPECIAL_PARTIES, Programme, goal_field_keys
from .problems import Problem, display_path
from .rules import problem


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
        return problem("HB202", file, line, col, key=name, where=where)
    path, _ = _data_path(data, loc)
    name = next((str(s) for s in reversed(path) if isinstance(s, str)), "value")
    value = err.get("input")
    if kind == "extra_forbidden":
        line, col = doc.where(path, key=True)
        model = _model_at(path[:-1])
        allowed = _field_names(model) if model else []
        suggestion = _suggest(str(path[-1]), allowed)
        fix = "fix the spelling" if suggestion else (
            f"allowed keys here: {', '.join(allowed)}" if allowed else "remove it")
        return problem("HB201", file, line, col, key=path[-1], suggestion=suggestion, fix=fix)
    # a list or mapping is best pointed at by its key; a single value by the value itself
    line, col = doc.where(path, key=isinstance(value, (list, dict)))
    if kind in _TYPE_WORDS:
        fix = ""
        if kind == "string_type" and isinstance(value, dict) and len(value) == 1:
            fix = "a ': ' inside the text made YAML read it as 'key: value'; put the whole text in quotes"
        return problem("HB203", file, line, col, key=name, expected=_TYPE_WORDS[kind], found=_describe(value), fix=fix)
    if kind == "literal_error":
        expected = re.findall(r"'([^']*)'", err.get("ctx", {}).get("expected", ""))
        return problem("HB204", file, line, col, key=name, found=_describe(value),
                       suggestion=_suggest(str(value), expected), choices=", ".join(expected))
    if kind == "string_pattern_mismatch":
        form, fix = _PATTERN_WORDS.get(name, ("in the expected form", err["msg"]))
        if name == "id" or (len(path) >= 2 and path[-1] == "id"):
            form, fix = _PATTERN_WORDS["id"]
        return problem("HB205", file, line, col, key=name, form=form, found=_describe(value), fix=fix)
    if kind in ("too_short", "too_long"):
        limit = err.get("ctx", {}).get("min_length" if kind == "too_short" else "max_length")
        return problem("HB206", file, line, col, key=name, bound="at least" if kind == "too_short" else "at most",
                       limit=limit)
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return problem("HB207", file, line, col, key=name, detail=err["msg"].lower(), found=_describe(value))
    if kind == "string_too_short":
        return problem("HB208", file, line, col, key=name)
    return problem("HB209", file, line, col, key=name, detail=err["msg"])


def _structure_problems(doc: Document, errors: list[dict[str, Any]]) -> list[Problem]:
    """Pydantic's errors as problems; a misspelt required key is reported once, as the typo."""
    typos: set[tuple[tuple[Any, ...], str]] = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            path, _ = _data_path(doc.data, tuple(err["loc"]))
            model = _model_at(path[:-1])
            close = difflib.get_close_matches(str(path[-1]), _field_names(model) if model else [], n=1, cutoff=0.6)
            if close:
                typos.add((path[:-1], close[0]))
    out = []
    for err in errors:
        if err["type"] == "missing" and (_data_path(doc.data, tuple(err["loc"])[:-1])[0], str(err["loc"][-1])) in typos:
            continue
        out.append(_error_to_problem(doc, err))
    return out


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


def _text_problems(text: str) -> list[tuple[str, dict[str, Any]]]:
    """(rule code, facts) for every way ``text`` would make a reader's browser load or run something."""
    found: list[tuple[str, dict[str, Any]]] = []
    if m := _HTML.search(text):
        found.append(("HB301", {"found": m.group(0).strip()}))
    targets = [(bang == "!", target) for bang, target in _INLINE_LINK.findall(text)]
    targets += [(False, t) for t in _REF_DEF.findall(text)]
    for is_image, target in targets:
        if is_image:
            found.append(("HB302", {"target": f" ('{target}')"}))
        elif not (target.startswith("#") or target.lower().startswith("mailto:")):
            found.append(("HB303", {"target": target}))
    if _REF_IMAGE.search(text):
        found.append(("HB302", {"target": ""}))
    if not targets and (m := _BARE_URL.search(text)):
        found.append(("HB304", {"target": m.group(0)}))
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

@dataclass
class _Parts:
    """What can be read of a programme, section by section, even when the whole does not validate.

    Each top-level section (and each item of a top-level list) is validated on its own; a part that
    fails is None. The programme checks then run on every part that could be read, so a typo in one
    session does not hide a dangling role or a timing error in another.
    """

    id: str | None = None
    version: str | None = None
    roles: list[Any] | None = None
    purpose: Any = None
    schedule: Any = None
    goal_format: Any = None
    training: list[Any] | None = None
    sessions: list[Any] | None = None
    checkins: list[Any] | None = None
    changelog: list[Any] | None = None

    @classmethod
    def of(cls, data: dict[str, Any]) -> "_Parts":
        parts = cls()
        for name in ("id", "version", "purpose", "schedule", "goal_format"):
            setattr(parts, name, _part(name, data.get(name)))
        for name in ("roles", "training", "sessions", "checkins", "changelog"):
            raw = data.get(name)
            if raw is None and not Programme.model_fields[name].is_required():
                raw = []  # left out: no items (a required list left out is unknown, not empty)
            if isinstance(raw, list):
                item_type = typing.get_args(_unwrap(Programme.model_fields[name].annotation)[0])[0]
                setattr(parts, name, [_part_of(item_type, item) for item in raw])
        return parts

    def session_minutes(self, session: Any) -> int | None:
        return session.minutes or (self.schedule.session_minutes if self.schedule else None)


def _part_of(annotation: Any, value: Any) -> Any:
    try:
        return TypeAdapter(annotation).validate_python(value)
    except ValidationError:
        return None


def _part(name: str, value: Any) -> Any:
    info = Programme.model_fields[name]
    if value is None and not info.is_required():
        return info.get_default()
    annotation = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    return _part_of(annotation, value) if value is not None else None


def _raw(data: Any, *path: Any) -> Any:
    for step in path:
        if isinstance(data, dict) and isinstance(step, str):
            data = data.get(step)
        elif isinstance(data, list) and isinstance(step, int) and 0 <= step < len(data):
            data = data[step]
        else:
            return None
    return data


class _Checker:
    def __init__(self, doc: Document, prog: Programme | _Parts, guides_dir: Path | None, expected_id: str | None):
        self.doc = doc
        self.prog = prog
        self.guides_dir = guides_dir
        self.expected_id = expected_id
        self.problems: list[Problem] = []
        raw_roles = _raw(doc.data, "roles")
        # roles as written, even those that fail validation for another reason (None: no list of roles)
        self.role_ids: list[str] | None = [
            item["id"] for item in raw_roles if isinstance(item, dict) and isinstance(item.get("id"), str)
        ] if isinstance(raw_roles, list) else None

    def add(self, code: str, path: tuple[Any, ...], *, at_key: bool = False, **facts: Any) -> None:
        line, col = self.doc.where(path, key=at_key)
        self.problems.append(problem(code, self.doc.file, line, col, **facts))

    def role_ref(self, path: tuple[Any, ...], ref: str, *, key: bool = False) -> None:
        ids = self.role_ids
        if ids is None or ref in ids or ref in SPECIAL_PARTIES:
            return
        self.add("HB404", path, at_key=key, role=ref, suggestion=_suggest(ref, ids), roles=", ".join(ids))

    def refs(self, path: tuple[Any, ...], refs: list[str]) -> None:
        """Role ids written as a list, or as one word that the model turned into a list."""
        listed = isinstance(_raw(self.doc.data, *path), list)
        for j, ref in enumerate(refs):
            self.role_ref(path + (j,) if listed else path, ref)

    def run(self) -> list[Problem]:
        p = self.prog
        if self.expected_id is not None and p.id is not None and p.id != self.expected_id:
            self.add("HB401", ("id",), id=p.id, stem=self.expected_id)
        seen: set[str] = set()
        for i, role in enumerate(p.roles or []):
            if role is None:
                continue
            if role.id in seen:
                self.add("HB403", ("roles", i, "id"), id=role.id)
            seen.add(role.id)
        if p.purpose is not None:
            for i, outcome in enumerate(p.purpose.outcomes):
                self.role_ref(("purpose", "outcomes", i, "role"), outcome.role)
        if p.goal_format is not None:
            self.refs(("goal_format", "owner"), p.goal_format.owner)
            self.goal_format()
        self.training()
        self.sessions()
        for i, checkin in enumerate(p.checkins or []):
            if checkin is None:
                continue
            n = len(p.sessions) if p.sessions is not None else None
            if n is not None and checkin.after_session > n:
                self.add("HB414", ("checkins", i, "after_session"), title=checkin.title,
                         after=checkin.after_session, sessions=n)
            self.refs(("checkins", i, "with"), checkin.with_)
        self.changelog()
        return self.problems

    def goal_format(self) -> None:
        fmt = self.prog.goal_format
        if fmt.name == "custom" and not fmt.fields:
            self.add("HB405", ("goal_format", "name"))
        keys: set[str] = set()
        for i, field in enumerate(fmt.fields):
            if field.key in keys:
                self.add("HB406", ("goal_format", "fields", i, "key"), key=field.key)
            keys.add(field.key)
        known = goal_field_keys(fmt)
        for i, example in enumerate(fmt.examples):
            if isinstance(example, dict):
                for key in example:
                    if key not in known and key not in ("text", "title"):
                        self.add("HB407", ("goal_format", "examples", i, key), at_key=True, key=key, format=fmt.name,
                                 suggestion=_suggest(key, known), fields=", ".join(known))

    def training(self) -> None:
        ids: set[str] = set()
        sessions = self.prog.sessions
        for i, module in enumerate(self.prog.training or []):
            if module is None:
                continue
            if module.id in ids:
                self.add("HB408", ("training", i, "id"), id=module.id)
            ids.add(module.id)
            self.refs(("training", i, "for"), module.for_)
            if sessions is not None and module.when.startswith("week-") and int(module.when[5:]) > len(sessions):
                self.add("HB409", ("training", i, "when"), when=module.when, sessions=len(sessions))
            if module.guide is not None:
                self.guide(("training", i, "guide"), module.guide)

    def guide(self, path: tuple[Any, ...], guide: str) -> None:
        parts = Path(guide).parts
        if guide.startswith(("/", "\\")) or ".." in parts or "://" in guide or not guide.endswith(".md"):
            self.add("HB410", path, guide=guide)
            return
        if self.guides_dir is not None and not (self.guides_dir / guide).is_file():
            self.add("HB411", path, guide=guide)

    def sessions(self) -> None:
        p = self.prog
        sessions = p.sessions or []
        for i, session in enumerate(sessions):
            number = session.number if session is not None else _raw(self.doc.data, "sessions", i, "number")
            if not isinstance(number, int) or isinstance(number, bool):
                break  # a number that cannot be read is reported already; the order is unknown from here
            if number != i + 1:
                self.add("HB412", ("sessions", i, "number"), expected=i + 1, found=number)
                break
        for i, session in enumerate(sessions):
            if session is None:
                continue
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
            if length is not None and total > length:
                self.add("HB413", base + ("agenda",), at_key=True, number=session.number, total=total, length=length)

    def changelog(self) -> None:
        log = self.prog.changelog or []
        if not log:
            return
        if log[0] is not None and self.prog.version is not None and log[0].version != self.prog.version:
            self.add("HB415", ("changelog", 0, "version"), logged=log[0].version, version=self.prog.version)
        for i in range(1, len(log)):
            if log[i] is not None and log[i - 1] is not None and log[i].date > log[i - 1].date:
                self.add("HB416", ("changelog", i, "date"))
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
            problems.append(problem("HB501", shown, 1, 1))
            continue
        in_code = False
        for number, line in enumerate(text.splitlines(), 1):
            if line.lstrip().startswith(("```", "~~~")):
                in_code = not in_code
            if in_code or line.startswith("    "):
                continue
            line = re.sub(r"`[^`]*`", "", line)  # inline code is shown, not run
            for pattern, code, fact in ((_FETCHING_TAG, "HB502", "tag"), (_REMOTE_IMAGE, "HB503", "target"),
                                        (_REMOTE_URL_IN_CSS, "HB504", "")):
                if m := pattern.search(line):
                    facts = {fact: m.group(1)} if fact else {}
                    problems.append(problem(code, shown, number, m.start() + 1, **facts))
    return problems


# ---------------------------------------------------------------- public API

def check_document(doc: Document, *, guides_dir: Path | None = None,
                   expected_id: str | None = None) -> tuple[Programme | None, list[Problem]]:
    """Validate loaded data; returns the programme (None if invalid) and all problems at once."""
    problems: list[Problem] = []
    for path, text in _walk_strings(doc.data):
        for code, facts in _text_problems(text):
            line, col = doc.where(path)
            problems.append(problem(code, doc.file, line, col, **facts))
    try:
        prog: Programme | _Parts = Programme.model_validate(doc.data)
        valid = True
    except ValidationError as exc:
        problems += _structure_problems(doc, exc.errors())
        prog, valid = _Parts.of(doc.data), False
    problems += _Checker(doc, prog, guides_dir, expected_id).run()
    return (prog if valid and not problems else None), _dedupe(problems)


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
            problems.append(problem("HB101", path.as_posix(), 0, 0, reason="no such file or folder"))
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
    for item in loaded:  # every id that could be read, even in a file with other problems
        pid = _raw(item.doc.data, "id")
        if not isinstance(pid, str):
            continue
        if pid in owners:
            line, col = item.doc.where(("id",))
            problems.append(problem("HB402", item.doc.file, line, col, id=pid, other=owners[pid].doc.file))
            item.programme = None
        else:
            owners[pid] = item
    return loaded, problems
