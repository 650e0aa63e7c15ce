"""The programme rules that a type cannot express: references between parts, order, timings.

They run on a valid programme, and on every section of an invalid one that can be read on its
own (``Parts``), so a designer sees a dangling role in session 3 in the same run as a typo in
session 2.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError

from .load import Document
from .cohorts import cohort_problems
from .model import SPECIAL_PARTIES, Programme, goal_field_keys
from .problems import Problem
from .rules import problem
from .structure import suggest, unwrap

@dataclass
class Parts:
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
    def of(cls, data: dict[str, Any]) -> "Parts":
        parts = cls()
        for name in ("id", "version", "purpose", "schedule", "goal_format"):
            setattr(parts, name, _part(name, data.get(name)))
        for name in ("roles", "training", "sessions", "checkins", "changelog"):
            raw = data.get(name)
            if raw is None and not Programme.model_fields[name].is_required():
                raw = []  # left out: no items (a required list left out is unknown, not empty)
            if isinstance(raw, list):
                item_type = typing.get_args(unwrap(Programme.model_fields[name].annotation)[0])[0]
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


def raw(data: Any, *path: Any) -> Any:
    for step in path:
        if isinstance(data, dict) and isinstance(step, str):
            data = data.get(step)
        elif isinstance(data, list) and isinstance(step, int) and 0 <= step < len(data):
            data = data[step]
        else:
            return None
    return data


class _Checker:
    def __init__(self, doc: Document, prog: Programme | Parts, guides_dir: Path | None, expected_id: str | None):
        self.doc = doc
        self.prog = prog
        self.guides_dir = guides_dir
        self.expected_id = expected_id
        self.problems: list[Problem] = []
        raw_roles = raw(doc.data, "roles")
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
        self.add("HB404", path, at_key=key, role=ref, suggestion=suggest(ref, ids), roles=", ".join(ids))

    def refs(self, path: tuple[Any, ...], refs: list[str]) -> None:
        """Role ids written as a list, or as one word that the model turned into a list."""
        listed = isinstance(raw(self.doc.data, *path), list)
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
        if isinstance(p, Programme):  # dates need the whole programme (sessions, cadence)
            self.problems += cohort_problems(self.doc, p)
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
                                 suggestion=suggest(key, known), fields=", ".join(known))

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
            if sessions is not None and module.when.startswith("week-") and (
                    len(module.when) > 9 or int(module.when[5:]) > len(sessions)):
                shown = module.when if len(module.when) <= 40 else module.when[:40] + "…"
                self.add("HB409", ("training", i, "when"), when=shown, sessions=len(sessions))
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
            number = session.number if session is not None else raw(self.doc.data, "sessions", i, "number")
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


def programme_problems(doc: Document, prog: Programme | Parts, *, guides_dir: Path | None,
                       expected_id: str | None) -> list[Problem]:
    """Problems with roles, numbering, timings, goals, guides and the changelog (HB401–HB416)."""
    return _Checker(doc, prog, guides_dir, expected_id).run()
