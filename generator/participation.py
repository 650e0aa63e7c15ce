"""Who takes part in what: the one owner of ``coordinator``, ``all``, ``both`` and role ids.

Programme text names parties in several places: check-ins (``with``), session ``prep`` and
``exercises`` keys, training ``for``, outcome ``role``, agenda ``lead`` and goal ``owner``. This
module resolves those words once into typed views; the site pages, the workbooks, the session
sheets, the facilitator guide, the coordinator's pack, the calendar and ``diff`` all ask it.

The contract (also in the README's programme-format section):

- a role id names that role;
- ``all`` and ``both`` mean every *participant* role (a role whose ``workbook`` is true);
  ``both`` is the natural word in a two-role programme and means the same as ``all``;
- ``coordinator`` is the programme coordinator, who has no workbook; a role with
  ``workbook: false`` (a host, a matcher) stands on the coordinator's side too;
- a check-in's ``with`` lists every party that takes part; left out it means ``[coordinator, all]``.
  A check-in appears in exactly the workbooks of the participant roles it lists; one that lists no
  participant role is the coordinator's own review: it appears in the facilitator guide and the
  coordinator's pack, never in a participant workbook. Every check-in is in those two documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .labels import Labels, english
from .model import SPECIAL_PARTIES, Checkin, Exercise, Programme, Role, Session, Training

COORDINATOR, *_every = SPECIAL_PARTIES  # the words themselves are part of the format (model)
EVERY_PARTICIPANT = tuple(_every)  # 'all', 'both'

# document kinds (the same words as ``pages.Download.kind``)
WORKBOOK = "workbook"
SESSION_SHEETS = "session-sheets"
FACILITATOR_GUIDE = "facilitator-guide"
COORDINATOR_PACK = "coordinator-pack"


@dataclass(frozen=True)
class Parties:
    """A resolved list of party words: the roles that take part and whether the coordinator does."""

    roles: tuple[Role, ...] = ()  # in programme order; participant and coordinator-side roles
    coordinator: bool = False  # the word 'coordinator' was given

    @property
    def participants(self) -> tuple[Role, ...]:
        """Roles with a workbook among those taking part."""
        return tuple(r for r in self.roles if r.workbook)

    @property
    def staff(self) -> tuple[Role, ...]:
        """Roles without a workbook (they act on the coordinator's side)."""
        return tuple(r for r in self.roles if not r.workbook)

    @property
    def coordinator_side(self) -> bool:
        return self.coordinator or bool(self.staff)

    @property
    def coordinator_only(self) -> bool:
        return not self.participants

    def includes(self, role_id: str) -> bool:
        return any(r.id == role_id for r in self.roles)

    def titles(self, coordinator_word: str = "Coordinator") -> list[str]:
        """Who takes part, in words: the coordinator first, then the roles in programme order."""
        return ([coordinator_word] if self.coordinator else []) + [r.title for r in self.roles]


def resolve(prog: Programme, refs: list[str] | tuple[str, ...]) -> Parties:
    """Party words -> the roles they name. Unknown words are ignored (the validator reports them)."""
    wanted: set[str] = set()
    coordinator = False
    for ref in refs:
        if ref == COORDINATOR:
            coordinator = True
        elif ref in EVERY_PARTICIPANT:
            wanted |= {r.id for r in prog.participant_roles}
        else:
            wanted.add(ref)
    # a programme may also define a role whose id is 'coordinator': then it is that role
    if coordinator and prog.role(COORDINATOR) is not None:
        wanted.add(COORDINATOR)
        coordinator = False
    return Parties(tuple(r for r in prog.roles if r.id in wanted), coordinator)


def names(prog: Programme, ref: str, role_id: str) -> bool:
    """Does one party word (a prep/exercises key, a training 'for' item) reach this role?"""
    return resolve(prog, [ref]).includes(role_id)


def party_title(prog: Programme, ref: str | None, words: Labels | None = None) -> str:
    """A role's title, or a special party in the programme's words ('Coordinator', 'Everyone')."""
    if not ref:
        return ""
    role = prog.role(ref)
    if role:
        return role.title
    words = words if words is not None else english()
    if ref == COORDINATOR:
        return words.text("party_coordinator")
    if ref in EVERY_PARTICIPANT:
        return words.text("party_everyone")
    return ref.capitalize()


# ---------------------------------------------------------------- sessions

def _exercise(item) -> Exercise:
    return item if isinstance(item, Exercise) else Exercise(title=item)


@dataclass(frozen=True)
class RoleTasks:
    role: Role | None  # None: the coordinator (a 'coordinator' key that is not a role id)
    title: str
    prep: tuple[str, ...]
    exercises: tuple[Exercise, ...]

    @property
    def busy(self) -> bool:
        return bool(self.prep or self.exercises)


def prep_for(prog: Programme | None, session: Session, role_id: str) -> list[str]:
    """A role's prep steps for a session: its own and those written for every participant."""
    return [step for key, steps in session.prep.items() if _reaches(prog, key, role_id) for step in steps]


def exercises_for(prog: Programme | None, session: Session, role_id: str) -> list[Exercise]:
    """A role's exercises for a session; a plain-text exercise becomes a titled one."""
    return [_exercise(item) for key, items in session.exercises.items() if _reaches(prog, key, role_id)
            for item in items]


def _reaches(prog: Programme | None, key: str, role_id: str) -> bool:
    if key == role_id:
        return True
    if key in EVERY_PARTICIPANT:
        if prog is None:  # no programme at hand: every named role counts as a participant
            return role_id != COORDINATOR
        role = prog.role(role_id)
        return role is not None and role.workbook
    return False


@dataclass(frozen=True)
class SessionView:
    session: Session
    tasks: tuple[RoleTasks, ...]  # every participant role, then coordinator-side roles that have work

    def for_role(self, role_id: str) -> RoleTasks:
        found = next((t for t in self.tasks if t.role is not None and t.role.id == role_id), None)
        return found or RoleTasks(None, role_id, (), ())

    @property
    def coordinator(self) -> RoleTasks | None:
        return next((t for t in self.tasks if t.role is None), None)


def session_view(prog: Programme, session: Session, words: Labels | None = None) -> SessionView:
    tasks = [RoleTasks(r, r.title, tuple(prep_for(prog, session, r.id)), tuple(exercises_for(prog, session, r.id)))
             for r in prog.roles]
    # a role without a workbook (a coordinator, a host) is shown only where it has something to do
    tasks = [t for t in tasks if t.role.workbook or t.busy]
    if prog.role(COORDINATOR) is None and (COORDINATOR in session.prep or COORDINATOR in session.exercises):
        tasks.append(RoleTasks(None, party_title(prog, COORDINATOR, words),
                               tuple(session.prep.get(COORDINATOR, [])),
                               tuple(_exercise(i) for i in session.exercises.get(COORDINATOR, []))))
    return SessionView(session, tuple(tasks))


# ---------------------------------------------------------------- check-ins

@dataclass(frozen=True)
class CheckinView:
    checkin: Checkin
    number: int  # 1-based position in the programme's check-ins (stable field names)
    parties: Parties
    attendees: tuple[str, ...]  # who takes part, in words
    documents: tuple[tuple[str, str | None], ...] = field(default=())  # (kind, role id) of every document holding it

    @property
    def coordinator_only(self) -> bool:
        return self.parties.coordinator_only

    def in_workbook(self, role_id: str) -> bool:
        return (WORKBOOK, role_id) in self.documents


def checkin_view(prog: Programme, checkin: Checkin, number: int, words: Labels | None = None) -> CheckinView:
    refs = checkin.with_ or [COORDINATOR, "all"]
    parties = resolve(prog, refs)
    docs = [(WORKBOOK, r.id) for r in parties.participants]
    docs += [(FACILITATOR_GUIDE, None), (COORDINATOR_PACK, None)]
    attendees = tuple(parties.titles(party_title(prog, COORDINATOR, words)))
    return CheckinView(checkin, number, parties, attendees, tuple(docs))


def checkin_views(prog: Programme, words: Labels | None = None) -> list[CheckinView]:
    return [checkin_view(prog, c, i, words) for i, c in enumerate(prog.checkins, 1)]


def checkins_in(prog: Programme, kind: str, role_id: str | None = None, words: Labels | None = None) -> list[CheckinView]:
    """The check-ins one document holds."""
    return [v for v in checkin_views(prog, words) if (kind, role_id) in v.documents]


# ---------------------------------------------------------------- training, outcomes, goals

def training_roles(prog: Programme, module: Training) -> Parties:
    return resolve(prog, module.for_)


def training_for(prog: Programme, role_id: str | None) -> list[Training]:
    """Training modules for one role (all of them when ``role_id`` is None)."""
    return [m for m in prog.training if role_id is None or training_roles(prog, m).includes(role_id)]


def outcomes_for(prog: Programme, role_id: str | None) -> list:
    return [o for o in prog.purpose.outcomes if role_id is None or resolve(prog, [o.role]).includes(role_id)]


def goal_owners(prog: Programme) -> Parties:
    return resolve(prog, prog.goal_format.owner)


def writes_goal(prog: Programme, role_id: str) -> bool:
    """Whether a role writes the goal (no owner given: every participant does)."""
    return not prog.goal_format.owner or goal_owners(prog).includes(role_id)
