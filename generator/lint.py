"""``handbook lint``: design-quality warnings for programmes that are already valid.

``validate`` answers "can this file be built?"; ``lint`` answers "would this programme work for the
people running it?". Each rule has a code (HL101 …), points at the line a designer should change,
and says how to fix it. Warnings never stop a build; ``handbook lint --strict`` turns them into a
failing exit code for CI. The rules live here and nowhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from .load import Document
from .model import Programme, Role
from .participation import COORDINATOR, checkin_view, resolve, session_view
from .problems import Problem
from .render import CADENCE_WEEKS, programme_weeks
from .validate import load_programmes


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    summary: str


RULES: dict[str, Rule] = {r.code: r for r in (
    Rule("HL101", "reup-after-end", "the re-up (continue-or-exit) moment falls after the last session"),
    Rule("HL102", "final-session-looks-ahead", "the final session refers to a next session, meeting or month"),
    Rule("HL103", "session-without-prompts", "a session has no discussion prompts"),
    Rule("HL104", "idle-role", "a role has nothing to do in any session (no prep, exercise, lead or check-in)"),
    Rule("HL105", "empty-module", "a training module has neither a guide nor objectives"),
    Rule("HL106", "evidence-not-collected",
         "an outcome's evidence is not collected by a named check-in or evaluation question"),
    Rule("HL107", "no-baseline", "a before/after measure has no step that records the 'before' (a baseline)"),
    Rule("HL108", "capacity", "headcounts cannot fill the meetings: roles need different numbers of meetings"),
    Rule("HL109", "time-budget", "a role's hours per week do not cover the meetings themselves"),
    Rule("HL110", "no-coordinator", "the programme relies on a coordinator but defines no coordinator role"),
)}

# "next session", "next month's ambassador", "until next time", "before we meet again" …
_LOOKS_AHEAD = re.compile(
    r"\b(?:next|following|coming)\s+(?:session|meeting|ambassador)s?\b"
    r"|\b(?:until|till|by|before)\s+(?:the\s+)?next\s+time\b|\bnext\s+time\s+we\b"
    r"|\bnext\s+(?:month|week|fortnight)(?:'s|’s)"
    r"|\bmeet again\b|\buntil we meet\b|\bhand(?:s|ing)?[- ]over to\b",
    re.IGNORECASE)
_SESSION_NUMBER = re.compile(r"\b(?:session|meeting)\s+(\d+)\b", re.IGNORECASE)
# evidence that compares two moments needs a measurement of the first one
_BEFORE_AFTER = re.compile(
    r"\bbefore\b[^.;]*\bafter\b|\bbefore/after\b|\bat the start\b|\bfrom the start\b|\bstart and (?:at )?the end\b"
    r"|\brises?\b|\bmoves?\b[^.;]*\bover the\b|\bhigher at the end\b|\bcompared with\b|\bbetween (?:session|meeting) 1\b",
    re.IGNORECASE)
_BASELINE = re.compile(r"\bbaseline\b", re.IGNORECASE)
_COLLECTOR = re.compile(r"^\s*evaluation\s+(question|measure)\s+(\d+)\s*$", re.IGNORECASE)


class _Linter:
    def __init__(self, doc: Document, prog: Programme) -> None:
        self.doc = doc
        self.prog = prog
        self.found: list[Problem] = []

    def warn(self, code: str, path: tuple[Any, ...], message: str, hint: str, *, key: bool = False) -> None:
        line, col = self.doc.where(path, key=key)
        self.found.append(Problem(self.doc.file, line, col, f"{code} {message}", hint, severity="warning"))

    def run(self) -> list[Problem]:
        for rule in (self.reup_after_end, self.final_session_looks_ahead, self.sessions_without_prompts,
                     self.idle_roles, self.empty_modules, self.evidence_not_collected, self.no_baseline,
                     self.capacity, self.time_budget, self.no_coordinator):
            rule()
        return self.found

    # ------------------------------------------------------------------ helpers

    @property
    def step(self) -> int:
        return CADENCE_WEEKS[self.prog.schedule.cadence]

    def last_week(self) -> int:
        """The last week the programme runs: the final session's week and the gap it covers."""
        return programme_weeks(self.prog) + self.step - 1

    def session_texts(self, i: int) -> Iterator[tuple[tuple[Any, ...], str]]:
        """Every piece of text in session ``i`` with its path (for pointing at the right line)."""
        session = self.prog.sessions[i]
        base = ("sessions", i)
        yield base + ("title",), session.title
        if session.purpose:
            yield base + ("purpose",), session.purpose
        for role, steps in session.prep.items():
            for j, text in enumerate(steps):
                yield base + ("prep", role, j), text
        for j, item in enumerate(session.agenda):
            yield base + ("agenda", j, "step"), item.step
        for role, items in session.exercises.items():
            for j, item in enumerate(items):
                if isinstance(item, str):
                    yield base + ("exercises", role, j), item
                    continue
                yield base + ("exercises", role, j, "title"), item.title
                for k, text in enumerate(item.steps):
                    yield base + ("exercises", role, j, "steps", k), text
                if item.notes:
                    yield base + ("exercises", role, j, "notes"), item.notes
        for key in ("prompts", "reflection", "commitments"):
            for j, text in enumerate(getattr(session, key)):
                yield base + (key, j), text

    def role_has_session_work(self, role: Role) -> bool:
        """Prep, an exercise or an agenda step that reaches this role (as ``participation`` reads the keys)."""
        for session in self.prog.sessions:
            if session_view(self.prog, session).for_role(role.id).busy:
                return True
            if any(item.lead and resolve(self.prog, [item.lead]).includes(role.id) for item in session.agenda):
                return True
        return False

    def role_in_checkins(self, role: Role) -> bool:
        """The coordinator runs every check-in; any other role must be listed in one."""
        if role.id == COORDINATOR:
            return bool(self.prog.checkins)
        return any(checkin_view(self.prog, c, i + 1).parties.includes(role.id)
                   for i, c in enumerate(self.prog.checkins))

    # ------------------------------------------------------------------ rules

    def reup_after_end(self) -> None:
        reup = self.prog.schedule.reup_after_weeks
        if reup is None:
            return
        end = self.last_week()
        if reup > end:
            last = self.prog.sessions[-1]
            self.warn("HL101", ("schedule", "reup_after_weeks"),
                      f"the re-up moment is at week {reup}, but the programme ends in week {end} "
                      f"(session {last.number} is in week {programme_weeks(self.prog)})",
                      f"hold the continue-or-exit decision in a session that happens (e.g. 'reup_after_weeks: "
                      f"{programme_weeks(self.prog)}' for session {last.number}), or add the sessions that lead up to it")

    def final_session_looks_ahead(self) -> None:
        last_index = len(self.prog.sessions) - 1
        n = self.prog.sessions[-1].number
        for path, text in self.session_texts(last_index):
            if m := _LOOKS_AHEAD.search(text):
                self.warn("HL102", path, f"the final session (session {n}) refers to '{m.group(0)}', but nothing follows it",
                          "close the programme here: replace it with the closing step (review, continue-or-exit "
                          "decision, evaluation), or add the session it points to")
                return
            for m in _SESSION_NUMBER.finditer(text):
                if int(m.group(1)) > n:
                    self.warn("HL102", path, f"the final session refers to '{m.group(0)}', but the programme has {n} session(s)",
                              "point at a session that exists, or remove the reference")
                    return

    def sessions_without_prompts(self) -> None:
        for i, session in enumerate(self.prog.sessions):
            if not session.prompts:
                self.warn("HL103", ("sessions", i, "number"),
                          f"session {session.number} ('{session.title}') has no discussion prompts",
                          "add 'prompts:' with two or three open questions the participants talk about", key=True)

    def idle_roles(self) -> None:
        for i, role in enumerate(self.prog.roles):
            if self.role_has_session_work(role):
                continue
            if not role.workbook and self.role_in_checkins(role):
                continue
            where = "prep, exercise or agenda step" if role.workbook else "session step or check-in"
            self.warn("HL104", ("roles", i, "id"), f"role '{role.id}' has nothing to do: no {where} names it",
                      f"give the {role.title.lower()} prep or an exercise in at least one session, lead an agenda "
                      "step, or remove the role")

    def empty_modules(self) -> None:
        for i, module in enumerate(self.prog.training):
            if not module.guide and not module.objectives:
                self.warn("HL105", ("training", i, "id"),
                          f"training module '{module.id}' has neither a guide nor objectives, so a trainer has "
                          "nothing to teach from", "add 'objectives:' (what participants can do afterwards) and, "
                          "if there is one, 'guide:' pointing at a page under guides/")

    def _collector(self, ref: str) -> str | None:
        """Why a collected_by entry does not resolve (None when it does)."""
        titles = {c.title.strip().lower() for c in self.prog.checkins}
        if ref.strip().lower() in titles:
            return None
        if m := _COLLECTOR.match(ref):
            kind, number = m.group(1).lower(), int(m.group(2))
            ev = self.prog.evaluation
            items = (ev.questions if kind == "question" else ev.measures) if ev else []
            if 1 <= number <= len(items):
                return None
            return f"'{ref}' does not exist: the evaluation has {len(items)} {kind}(s)"
        known = ", ".join(f"'{c.title}'" for c in self.prog.checkins) or "none"
        return (f"'{ref}' is neither a check-in title (check-ins: {known}) nor 'evaluation question N' / "
                "'evaluation measure N'")

    def evidence_not_collected(self) -> None:
        for i, outcome in enumerate(self.prog.purpose.outcomes):
            base = ("purpose", "outcomes", i)
            if not outcome.evidence:
                self.warn("HL106", base + ("role",), f"the outcome for '{outcome.role}' says what they learn but not "
                          "how you will know", "add 'evidence:' (an observable sign) and 'collected_by:' (the check-in "
                          "or evaluation question that asks for it)")
                continue
            if not outcome.collected_by:
                self.warn("HL106", base + ("evidence",), f"nothing collects the evidence for '{outcome.role}': no "
                          "check-in or evaluation question is named",
                          "add 'collected_by:' with a check-in title or 'evaluation question N', and make sure that "
                          "question asks for this evidence")
                continue
            raw = self.doc.data["purpose"]["outcomes"][i].get("collected_by")
            for j, ref in enumerate(outcome.collected_by):
                if reason := self._collector(ref):
                    path = base + ("collected_by", j) if isinstance(raw, list) else base + ("collected_by",)
                    self.warn("HL106", path, f"the evidence for '{outcome.role}' is said to be collected by {reason}",
                              "name a check-in exactly as titled, or a numbered evaluation question or measure")

    def _has_baseline(self) -> bool:
        first = self.prog.sessions[0]
        texts = [t for _, t in self.session_texts(0)]
        texts += [q for c in self.prog.checkins if c.after_session == first.number for q in [c.title, *c.questions]]
        for module in self.prog.training:
            texts += [*module.objectives]
            texts += [s for ex in module.exercises if not isinstance(ex, str) for s in [ex.title, *ex.steps]]
        return any(_BASELINE.search(t) for t in texts)

    def no_baseline(self) -> None:
        if self._has_baseline():
            return
        candidates: list[tuple[tuple[Any, ...], str]] = []
        for i, outcome in enumerate(self.prog.purpose.outcomes):
            if outcome.evidence:
                candidates.append((("purpose", "outcomes", i, "evidence"), outcome.evidence))
        if self.prog.evaluation:
            candidates += [(("evaluation", "measures", i), m) for i, m in enumerate(self.prog.evaluation.measures)]
        for path, text in candidates:
            if m := _BEFORE_AFTER.search(text):
                self.warn("HL107", path, f"this compares before and after ('{m.group(0)}'), but no step records the "
                          "'before'", "add a baseline step to session 1's prep or agenda, or to a check-in after "
                          "session 1 (write the word 'baseline' so readers know what it is for)")
                return

    def capacity(self) -> None:
        counted = [(i, r) for i, r in enumerate(self.prog.roles) if r.headcount is not None and r.workbook]
        if len(counted) < 2:
            return
        sessions = len(self.prog.sessions)
        needs = []
        for i, role in counted:
            per = role.per_meeting or 1
            each = role.meetings_each or sessions
            if per > role.headcount:
                self.warn("HL108", ("roles", i, "per_meeting"),
                          f"each meeting needs {per} {role.title.lower()}(s), but the cohort has only {role.headcount}",
                          "raise 'headcount' or lower 'per_meeting'")
                return
            needs.append((i, role, per, each, role.headcount * each / per))
        low = min(needs, key=lambda n: n[4])
        high = max(needs, key=lambda n: n[4])
        if high[4] > low[4] * 1.1:
            def say(n: tuple[int, Role, int, int, float]) -> str:
                _, role, per, each, total = n
                seats = "" if per == 1 else f" ÷ {per} per meeting"
                return (f"{role.headcount} × {role.title.lower()} × {each} meeting(s) each{seats} = "
                        f"{total:g} meeting(s)")
            self.warn("HL108", ("roles", high[0], "headcount"),
                      f"capacity does not add up: {say(low)}, but {say(high)}",
                      "change the headcounts, how many of each role sit in one meeting ('per_meeting'), or how many "
                      "meetings each person joins ('meetings_each') until both give the same number")

    def time_budget(self) -> None:
        cadence = self.prog.schedule.cadence
        if cadence == "once":
            return
        weeks = CADENCE_WEEKS[cadence]
        longest = max(self.prog.session_minutes(s) for s in self.prog.sessions)
        for i, role in enumerate(self.prog.roles):
            if not role.workbook or role.hours_per_week is None:
                continue
            budget = role.hours_per_week * weeks * 60
            if budget + 0.5 < longest:
                self.warn("HL109", ("roles", i, "hours_per_week"),
                          f"{role.title} has {role.hours_per_week:g} h a week, {budget:g} minutes per {cadence} cycle, "
                          f"but a session alone lasts {longest} minutes",
                          f"set hours_per_week to at least {longest / weeks / 60:.2g} plus preparation time")

    def no_coordinator(self) -> None:
        coord = self.prog.role("coordinator")
        mentioned = bool(self.prog.checkins) or any(
            item.lead == "coordinator" for s in self.prog.sessions for item in s.agenda)
        if coord is None and mentioned:
            self.warn("HL110", ("checkins",) if self.prog.checkins else ("roles",),
                      "check-ins are run by a coordinator, but no role 'coordinator' says who that is and what they do",
                      "add a role with 'id: coordinator', its responsibilities and 'workbook: false'", key=True)
        elif coord is not None and not coord.responsibilities:
            i = self.prog.roles.index(coord)
            self.warn("HL110", ("roles", i, "id"), "the coordinator role lists no responsibilities",
                      "add 'responsibilities:' (recruiting, matching, check-ins, closure, reporting)")


def lint_programme(doc: Document, prog: Programme) -> list[Problem]:
    """Design-quality warnings for one valid programme."""
    return _Linter(doc, prog).run()


def lint_paths(paths: list[Path], *, guides_dir: Path | None, root: Path | None = None) -> tuple[int, list[Problem]]:
    """Validate, then lint every programme under ``paths``: (files checked, problems and warnings)."""
    loaded, problems = load_programmes(paths, guides_dir=guides_dir, root=root)
    for item in loaded:
        if item.programme is not None:
            problems += lint_programme(item.doc, item.programme)
    return len(loaded), problems


def rules_text() -> str:
    return "\n".join(f"  {r.code} {r.name}: {r.summary}" for r in RULES.values())

