"""``handbook diff``: what changed between two versions of the handbook, who is affected, old → new.

A side is a git revision (its programs/, guides/ and theme/) or a folder of programme files (with
the guides/ and theme/ beside it, when there are). Programmes are compared item by item; guides
line by line; theme files by content.
"""

from __future__ import annotations

import difflib
import hashlib
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .model import Programme, Session
from .participation import checkin_views, exercises_for, prep_for
from .problems import Problem
from .validate import check_text, load_programmes


@dataclass
class Change:
    """One line of the report, with the old and new text it is about (either may be empty)."""

    text: str
    old: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)


@dataclass
class ProgrammeChange:
    id: str
    title: str
    status: str  # added | removed | changed | invalid
    old_version: str | None = None
    new_version: str | None = None
    changes: list[Change] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        return [c.text for c in self.changes]


@dataclass
class FileChange:
    area: str  # guides | theme
    path: str  # relative to the area's folder
    status: str  # added | removed | changed
    old: list[str] = field(default_factory=list)  # changed lines, for text files
    new: list[str] = field(default_factory=list)


@dataclass
class Report:
    programmes: list[ProgrammeChange] = field(default_factory=list)
    files: list[FileChange] = field(default_factory=list)


class DiffError(Exception):
    pass


@dataclass
class Side:
    """One version of the handbook."""

    spec: str
    programmes: dict[str, Programme] = field(default_factory=dict)
    invalid: dict[str, Problem] = field(default_factory=dict)  # programme (file stem) -> its first problem
    problems: list[Problem] = field(default_factory=list)
    trees: dict[str, dict[str, str]] = field(default_factory=dict)  # area -> path -> content digest
    read: Callable[[str, str], bytes] | None = None  # (area, path) -> content


AREAS = ("guides", "theme")


def _git(args: list[str], cwd: Path) -> str:
    run = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if run.returncode != 0:
        raise DiffError(run.stderr.strip() or f"git {' '.join(args)} failed")
    return run.stdout


def _git_bytes(args: list[str], cwd: Path) -> bytes:
    run = subprocess.run(["git", *args], cwd=cwd, capture_output=True)
    if run.returncode != 0:
        raise DiffError(run.stderr.decode("utf-8", "replace").strip())
    return run.stdout


def _folder_tree(folder: Path) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


def _first_problems(problems: list[Problem]) -> dict[str, Problem]:
    out: dict[str, Problem] = {}
    for p in sorted(problems):
        if p.severity == "error":
            out.setdefault(Path(p.file.rsplit(":", 1)[-1]).stem, p)
    return out


def load(spec: str, root: Path, programs: str = "programs") -> Side:
    """Programmes, guides and theme of one side: a file, a folder, or a git revision."""
    path = Path(spec)
    side = Side(spec)
    if path.exists():
        loaded, side.problems = load_programmes([path], guides_dir=None)
        side.programmes = {item.programme.id: item.programme for item in loaded if item.programme}
        side.invalid = {stem: p for stem, p in _first_problems(side.problems).items() if stem not in side.programmes}
        base = path.parent if path.is_dir() else path.parent.parent
        if (base / "guides").is_dir() and path.resolve() != (base / "guides").resolve():
            side.trees = {area: _folder_tree(base / area) for area in AREAS}
            side.read = lambda area, rel: (base / area / rel).read_bytes()
        return side
    top = _git(["rev-parse", "--show-toplevel"], root).strip()
    prefix = Path(root).resolve().relative_to(Path(top).resolve()).as_posix()
    prefix = "" if prefix in ("", ".") else prefix + "/"
    _git(["rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}"], root)
    listing = _git(["ls-tree", "-r", "--full-tree", spec, "--", *(prefix + a for a in (programs, *AREAS))], root)
    blobs: dict[str, str] = {}
    for row in listing.splitlines():
        meta, name = row.split("\t", 1)
        blobs[name[len(prefix):]] = meta.split()[2]
    for name, blob in sorted(blobs.items()):
        if name.startswith(programs + "/") and name.count("/") == 1 and name.endswith((".yaml", ".yml")):
            text = _git_bytes(["cat-file", "blob", blob], root).decode("utf-8", "replace")
            prog, found = check_text(text, f"{spec}:{name}", expected_id=Path(name).stem)
            side.problems += found
            if prog:
                side.programmes[prog.id] = prog
    side.invalid = {stem: p for stem, p in _first_problems(side.problems).items() if stem not in side.programmes}
    for area in AREAS:
        side.trees[area] = {name[len(area) + 1:]: blob for name, blob in blobs.items() if name.startswith(area + "/")}
    side.read = lambda area, rel: _git_bytes(["cat-file", "blob", blobs[f"{area}/{rel}"]], root)
    return side


# ---------------------------------------------------------------- programmes, item by item

def _text(value: Any) -> str:
    if hasattr(value, "model_dump"):
        value = value.model_dump(by_alias=True, exclude_defaults=True)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return str(value)


def _items(label: str, old: list[Any], new: list[Any], unit: str) -> list[Change]:
    """Lists compared item by item: a count line when items were added or removed, and the texts."""
    if old == new:
        return []
    old_t, new_t = [_text(v) for v in old], [_text(v) for v in new]
    delta = len(new) - len(old)
    head = f"{label} {delta:+d} {unit if abs(delta) == 1 else unit + 's'}" if delta else f"{label} changed"
    gone: list[str] = []
    came: list[str] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=old_t, b=new_t, autojunk=False).get_opcodes():
        if op != "equal":
            gone += old_t[a1:a2]
            came += new_t[b1:b2]
    return [Change(head, gone, came)]


def _value(label: str, old: Any, new: Any) -> list[Change]:
    if old == new:
        return []
    return [Change(f"{label} changed", [_text(old)] if old not in (None, "", []) else [],
                   [_text(new)] if new not in (None, "", []) else [])]


def _session_changes(prog: Programme, old: Session, new: Session) -> list[Change]:
    out: list[Change] = []
    if old.title != new.title:
        out.append(Change("title changed", [old.title], [new.title]))
    out += _value("purpose (everyone)", old.purpose, new.purpose)
    if (old.minutes, old.agenda) != (new.minutes, new.agenda):
        steps = [f"{a.minutes} min: {a.step}" + (f" (lead: {a.lead})" if a.lead else "") for a in old.agenda]
        steps_new = [f"{a.minutes} min: {a.step}" + (f" (lead: {a.lead})" if a.lead else "") for a in new.agenda]
        found = _items("agenda", steps, steps_new, "step")
        for change in found:
            change.text += " (everyone)"
        out += found
        if old.minutes != new.minutes:
            out.append(Change("length changed (everyone)", [f"{prog.session_minutes(old)} min"],
                              [f"{prog.session_minutes(new)} min"]))
    for role in prog.roles:
        title = role.title.lower()
        out += _items(f"{title} prep", prep_for(prog, old, role.id), prep_for(prog, new, role.id), "step")
        old_ex, new_ex = exercises_for(prog, old, role.id), exercises_for(prog, new, role.id)
        if old_ex != new_ex:
            if len(old_ex) != len(new_ex):
                out += _items(f"{title} exercises", old_ex, new_ex, "exercise")
            else:
                for a, b in zip(old_ex, new_ex):
                    if a != b:
                        found = _items(f"{title} exercise '{b.title}'", a.steps, b.steps, "step") if a.steps != b.steps \
                            else []
                        out += found or [Change(f"{title} exercise '{b.title}' changed", [_text(a)], [_text(b)])]
    for key, label, unit in (("prompts", "prompts", "prompt"), ("reflection", "reflection", "question"),
                             ("commitments", "commitments", "commitment")):
        for change in _items(label, getattr(old, key), getattr(new, key), unit):
            change.text += " (everyone)"
            out.append(change)
    return out


def _model_title(prog: Programme) -> str:
    """The model's name as the (English) report prints it."""
    from .labels import english, model_key

    return english().text(model_key(prog.model))


_SECTIONS = ("title", "summary", "status", "model", "language", "purpose", "roles", "schedule", "goal_format",
             "training", "confidentiality", "agreement", "evaluation", "recognition")


def _checkin_changes(old: Programme, new: Programme) -> list[Change]:
    """Check-ins added, removed or changed, each with who takes part (so the affected roles are named)."""
    before = {v.checkin.title: v for v in checkin_views(old)}
    after = {v.checkin.title: v for v in checkin_views(new)}
    out = []
    for title, view in after.items():
        who = ", ".join(view.attendees).lower()
        if title not in before:
            out.append(Change(f"check-in '{title}': added ({who})", [], [_text(view.checkin)]))
        elif before[title].checkin != view.checkin:
            was = ", ".join(before[title].attendees).lower()
            out.append(Change(f"check-in '{title}': changed ({who}" + (f"; was {was})" if was != who else ")"),
                              [_text(before[title].checkin)], [_text(view.checkin)]))
    out += [Change(f"check-in '{title}': removed ({', '.join(view.attendees).lower()})", [_text(view.checkin)])
            for title, view in before.items() if title not in after]
    return out


def _flat(value: Any, path: str = "") -> dict[str, str]:
    """A section as 'key.sub: text' pairs, so a change names the key and its old and new text."""
    if hasattr(value, "model_dump"):
        value = value.model_dump(by_alias=True, exclude_defaults=True)
    if isinstance(value, dict):
        out: dict[str, str] = {}
        for key, item in value.items():
            out.update(_flat(item, f"{path}.{key}" if path else str(key)))
        return out
    if isinstance(value, list) and any(isinstance(v, (dict,)) or hasattr(v, "model_dump") for v in value):
        out = {}
        for i, item in enumerate(value):
            name = getattr(item, "id", None) or (item.get("id") if isinstance(item, dict) else None) or str(i + 1)
            out.update(_flat(item, f"{path}[{name}]"))
        return out
    return {path: _text(value)} if value not in (None, [], "") else {}


def _section_changes(key: str, old: Any, new: Any) -> list[Change]:
    if old == new:
        return []
    label = key.replace("_", " ")
    a, b = _flat(old, key), _flat(new, key)
    out = []
    for name in sorted(set(a) | set(b), key=lambda n: (list(a) + [k for k in b if k not in a]).index(n)):
        if a.get(name) != b.get(name):
            shown = name if name != key else label
            out.append(Change(f"{shown} changed" if name in a and name in b else
                              f"{shown} added" if name in b else f"{shown} removed",
                              [a[name]] if name in a else [], [b[name]] if name in b else []))
    return out or [Change(f"{label} changed")]


def compare_programmes(old: Side | dict[str, Programme], new: Side | dict[str, Programme]) -> list[ProgrammeChange]:
    old_side = old if isinstance(old, Side) else Side("OLD", programmes=old)
    new_side = new if isinstance(new, Side) else Side("NEW", programmes=new)
    a_all, b_all = old_side.programmes, new_side.programmes
    changes = []
    for pid in sorted(set(a_all) | set(b_all) | set(new_side.invalid)):
        a, b = a_all.get(pid), b_all.get(pid)
        if b is None and pid in new_side.invalid:
            p = new_side.invalid[pid]
            where = f"{p.file}:{p.line}" if p.line else p.file
            changes.append(ProgrammeChange(pid, a.title if a else pid, "invalid", a.version if a else None, None,
                                           [Change(f"invalid in NEW ({new_side.spec}): {where}: {p.message}")]))
            continue
        if a is None:
            changes.append(ProgrammeChange(pid, b.title, "added", None, b.version,
                                           [Change(f"new programme: {_model_title(b)}, {len(b.sessions)} sessions")]))
            continue
        if b is None:
            changes.append(ProgrammeChange(pid, a.title, "removed", a.version, None))
            continue
        lines: list[Change] = []
        for key in _SECTIONS:
            lines += _section_changes(key, getattr(a, key), getattr(b, key))
        lines += _checkin_changes(a, b)
        old_s = {s.number: s for s in a.sessions}
        new_s = {s.number: s for s in b.sessions}
        for number in sorted(set(old_s) | set(new_s)):
            if number not in old_s:
                lines.append(Change(f"session {number}: added ('{new_s[number].title}')"))
            elif number not in new_s:
                lines.append(Change(f"session {number}: removed ('{old_s[number].title}')"))
            else:
                for change in _session_changes(b, old_s[number], new_s[number]):
                    change.text = f"session {number}: {change.text}"
                    lines.append(change)
        if lines or a.version != b.version:
            changes.append(ProgrammeChange(pid, b.title, "changed", a.version, b.version, lines))
    return changes


# ---------------------------------------------------------------- guides and theme

MAX_LINES = 40  # changed lines shown per guide


def _lines(data: bytes) -> list[str] | None:
    try:
        return data.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return None


def compare_files(old: Side, new: Side) -> list[FileChange]:
    out: list[FileChange] = []
    if not old.trees or not new.trees:
        return out
    for area in AREAS:
        a, b = old.trees.get(area, {}), new.trees.get(area, {})
        for rel in sorted(set(a) | set(b)):
            if a.get(rel) == b.get(rel):
                continue
            status = "added" if rel not in a else "removed" if rel not in b else "changed"
            change = FileChange(area, rel, status)
            if area == "guides" and rel.endswith(".md"):
                before = _lines(old.read(area, rel)) if rel in a and old.read else []
                after = _lines(new.read(area, rel)) if rel in b and new.read else []
                if before is not None and after is not None:
                    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
                        if op != "equal":
                            change.old += [line for line in before[a1:a2] if line.strip()]
                            change.new += [line for line in after[b1:b2] if line.strip()]
                    change.old, change.new = change.old[:MAX_LINES], change.new[:MAX_LINES]
            out.append(change)
    return out


def diff(old: Side, new: Side) -> Report:
    return Report(compare_programmes(old, new), compare_files(old, new))
