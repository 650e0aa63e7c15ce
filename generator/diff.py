"""``handbook diff``: what changed between two versions of the programmes, and who is affected."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import Programme, Session
from .participation import checkin_views, exercises_for, prep_for
from .problems import Problem
from .validate import check_text, load_programmes


@dataclass
class ProgrammeChange:
    id: str
    title: str
    status: str  # added | removed | changed
    old_version: str | None = None
    new_version: str | None = None
    lines: list[str] = field(default_factory=list)


class DiffError(Exception):
    pass


def _git(args: list[str], cwd: Path) -> str:
    run = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if run.returncode != 0:
        raise DiffError(run.stderr.strip() or f"git {' '.join(args)} failed")
    return run.stdout


def load_side(spec: str, root: Path, programs: str = "programs") -> tuple[dict[str, Programme], list[Problem]]:
    """Programmes from a file, a folder, or a git revision (its programs/ folder)."""
    path = Path(spec)
    out: dict[str, Programme] = {}
    problems: list[Problem] = []
    if path.exists():
        loaded, problems = load_programmes([path], guides_dir=None)
        return {item.programme.id: item.programme for item in loaded if item.programme}, problems
    top = _git(["rev-parse", "--show-toplevel"], root).strip()
    prefix = Path(root).resolve().relative_to(Path(top).resolve()).as_posix()
    folder = f"{prefix}/{programs}" if prefix not in ("", ".") else programs
    _git(["rev-parse", "--verify", f"{spec}^{{commit}}"], root)
    names = _git(["ls-tree", "--name-only", f"{spec}:{folder}"], root).split() if _has_tree(spec, folder, root) else []
    for name in names:
        if not name.endswith((".yaml", ".yml")):
            continue
        text = _git(["show", f"{spec}:{folder}/{name}"], root)
        prog, found = check_text(text, f"{spec}:{programs}/{name}", expected_id=Path(name).stem)
        problems += found
        if prog:
            out[prog.id] = prog
    return out, problems


def _has_tree(spec: str, folder: str, root: Path) -> bool:
    return subprocess.run(["git", "cat-file", "-e", f"{spec}:{folder}"], cwd=root, capture_output=True).returncode == 0


def _count_change(label: str, old: list[Any], new: list[Any], unit: str) -> str | None:
    if old == new:
        return None
    delta = len(new) - len(old)
    if delta:
        units = unit if abs(delta) == 1 else unit + "s"
        return f"{label} {delta:+d} {units}"
    return f"{label} changed"


def _session_lines(prog: Programme, old: Session, new: Session) -> list[str]:
    lines = []
    roles = [r.id for r in prog.roles]
    titles = {r.id: r.title.lower() for r in prog.roles}
    if old.title != new.title:
        lines.append(f"title '{old.title}' → '{new.title}'")
    if old.purpose != new.purpose:
        lines.append("purpose changed (everyone)")
    if (old.minutes, old.agenda) != (new.minutes, new.agenda):
        change = _count_change("agenda", old.agenda, new.agenda, "step") or "length changed"
        lines.append(f"{change} (everyone)")
    for rid in roles:
        if line := _count_change(f"{titles[rid]} prep", prep_for(prog, old, rid), prep_for(prog, new, rid), "step"):
            lines.append(line)
        old_ex, new_ex = exercises_for(prog, old, rid), exercises_for(prog, new, rid)
        if old_ex != new_ex:
            if len(old_ex) != len(new_ex):
                lines.append(_count_change(f"{titles[rid]} exercises", old_ex, new_ex, "exercise"))
            else:
                for a, b in zip(old_ex, new_ex):
                    if a != b:
                        steps = _count_change(f"{titles[rid]} exercise '{b.title}'", a.steps, b.steps, "step")
                        lines.append(steps or f"{titles[rid]} exercise '{b.title}' changed")
    for key, label, unit in (("prompts", "prompts", "prompt"), ("reflection", "reflection", "question"),
                             ("commitments", "commitments", "commitment")):
        if line := _count_change(label, getattr(old, key), getattr(new, key), unit):
            lines.append(f"{line} (everyone)")
    return lines


def _checkin_lines(old: Programme, new: Programme) -> list[str]:
    """Check-ins added, removed or changed, each with who takes part (so the affected roles are named)."""
    before = {v.checkin.title: v for v in checkin_views(old)}
    after = {v.checkin.title: v for v in checkin_views(new)}
    lines = []
    for title, view in after.items():
        who = ", ".join(view.attendees).lower()
        if title not in before:
            lines.append(f"check-in '{title}': added ({who})")
        elif before[title].checkin != view.checkin:
            was = ", ".join(before[title].attendees).lower()
            lines.append(f"check-in '{title}': changed ({who}" + (f"; was {was})" if was != who else ")"))
    lines += [f"check-in '{title}': removed ({', '.join(view.attendees).lower()})"
              for title, view in before.items() if title not in after]
    return lines


_SECTIONS = ("title", "summary", "purpose", "roles", "schedule", "goal_format", "training", "confidentiality",
             "agreement", "evaluation", "recognition", "status", "model", "language")


def compare(old: dict[str, Programme], new: dict[str, Programme]) -> list[ProgrammeChange]:
    changes = []
    for pid in sorted(set(old) | set(new)):
        a, b = old.get(pid), new.get(pid)
        if a is None:
            changes.append(ProgrammeChange(pid, b.title, "added", None, b.version,
                                           [f"new programme: {_model_title(b)}, {len(b.sessions)} sessions"]))
            continue
        if b is None:
            changes.append(ProgrammeChange(pid, a.title, "removed", a.version, None))
            continue
        lines = []
        for key in _SECTIONS:
            if getattr(a, key) != getattr(b, key):
                lines.append(f"{key.replace('_', ' ')} changed")
        lines += _checkin_lines(a, b)
        old_s = {s.number: s for s in a.sessions}
        new_s = {s.number: s for s in b.sessions}
        for number in sorted(set(old_s) | set(new_s)):
            if number not in old_s:
                lines.append(f"session {number}: added ('{new_s[number].title}')")
            elif number not in new_s:
                lines.append(f"session {number}: removed ('{old_s[number].title}')")
            else:
                lines += [f"session {number}: {line}" for line in _session_lines(b, old_s[number], new_s[number])]
        if lines or a.version != b.version:
            changes.append(ProgrammeChange(pid, b.title, "changed", a.version, b.version, lines))
    return changes


def format_text(changes: list[ProgrammeChange]) -> str:
    if not changes:
        return "No programme changed."
    out = []
    for c in changes:
        version = {"added": f"added (v{c.new_version})", "removed": f"removed (was v{c.old_version})",
                   "changed": f"v{c.old_version} → v{c.new_version}" if c.old_version != c.new_version
                   else f"v{c.new_version} (version not raised)"}[c.status]
        out.append(f"{c.id}: {version}")
        out += [f"{c.id} {line}" for line in c.lines]
    return "\n".join(out)


def format_markdown(changes: list[ProgrammeChange]) -> str:
    if not changes:
        return "### Handbook changes\n\nNo programme changed."
    out = ["### Handbook changes", ""]
    for c in changes:
        if c.status == "added":
            out.append(f"- **{c.title}** (`{c.id}`): added, version {c.new_version}")
        elif c.status == "removed":
            out.append(f"- **{c.title}** (`{c.id}`): removed (was version {c.old_version})")
        else:
            version = f"{c.old_version} → {c.new_version}" if c.old_version != c.new_version else \
                f"{c.new_version} — ⚠️ version not raised"
            out.append(f"- **{c.title}** (`{c.id}`): {version}")
        out += [f"  - {line}" for line in c.lines if c.status != "added"]
    return "\n".join(out)


def _model_title(prog: Programme) -> str:
    """The model's name as the (English) report prints it."""
    from .labels import english, model_key

    return english().text(model_key(prog.model))
