"""Step 2: the typed programme, as written in ``shared/program-format.md``.

Pydantic models with ``extra="forbid"`` give us unknown-key detection, type checks and the
JSON Schema for editors. Cross-references and content rules live in ``validate``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SEMVER = r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$"

MODELS = (
    "one-to-one", "reverse-technical", "reverse-diversity", "reciprocal", "peer", "circle",
    "group", "flash", "micro", "rotational", "network", "external", "fireside",
)
CADENCES = ("weekly", "fortnightly", "monthly", "once")
# Words that may stand where a role is expected without being a role of the programme.
SPECIAL_PARTIES = ("coordinator", "all", "both")


def _as_text(value: Any) -> Any:
    """Numbers and dates written bare in YAML are still text to a designer (``title: 1984``)."""
    if isinstance(value, bool):
        return value  # 'yes'/'no' mistakes stay type errors
    if isinstance(value, (int, float, dt.date)):
        return str(value)
    return value


def _as_list(value: Any) -> Any:
    """A single item may be written without the list brackets."""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return [value]
    return value


Text = Annotated[str, BeforeValidator(_as_text)]
Markdown = Annotated[str, BeforeValidator(_as_text)]
Slug = Annotated[str, Field(pattern=SLUG)]
SemVer = Annotated[str, BeforeValidator(_as_text), Field(pattern=SEMVER)]
MarkdownList = Annotated[list[Markdown], BeforeValidator(_as_list)]
RoleRef = Annotated[str, Field(min_length=1)]
RoleRefs = Annotated[list[RoleRef], BeforeValidator(_as_list)]
Minutes = Annotated[int, Field(gt=0, le=24 * 60)]


class Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_means_default(cls, data: Any) -> Any:
        """An optional key written with no value (``checkins:``) is the same as leaving it out."""
        if isinstance(data, dict):
            optional = {info.alias or name for name, info in cls.model_fields.items() if not info.is_required()}
            optional |= {name for name, info in cls.model_fields.items() if not info.is_required()}
            data = {k: v for k, v in data.items() if not (v is None and k in optional)}
        return data


class Outcome(Node):
    role: RoleRef = Field(description="Role id whose learning this describes.")
    learns: Markdown = Field(description="What this role should learn.")
    evidence: Markdown | None = Field(None, description="Observable shift or indicator that shows it.")
    collected_by: Annotated[list[Text], BeforeValidator(_as_list)] = Field(
        [], description="Where the evidence is collected: a check-in's title, 'evaluation question N' or "
                        "'evaluation measure N' (checked by handbook lint).")


class Purpose(Node):
    statement: Markdown = Field(description="Why the programme exists.")
    organisational_goals: MarkdownList = []
    outcomes: list[Outcome] = []


class Role(Node):
    id: Slug
    title: Text
    description: Markdown | None = None
    responsibilities: MarkdownList = []
    hours_per_week: Annotated[float, Field(ge=0, le=40)] | None = None
    benefits: MarkdownList = Field([], description="Reciprocity: what this role gains.")
    workbook: bool = Field(True, description="Print a workbook for this role (false for e.g. a coordinator).")
    headcount: Annotated[int, Field(ge=1, le=100_000)] | None = Field(
        None, description="How many people take this role in one cohort (for handbook lint's capacity check).")
    per_meeting: Annotated[int, Field(ge=1, le=1_000)] | None = Field(
        None, description="How many people of this role sit in one meeting (default 1).")
    meetings_each: Annotated[int, Field(ge=1, le=1_000)] | None = Field(
        None, description="How many meetings each person in this role takes part in (default: every session).")


class Schedule(Node):
    cadence: Literal[CADENCES]  # type: ignore[valid-type]
    session_minutes: Minutes
    reup_after_weeks: Annotated[int, Field(gt=0, le=520)] | None = None
    pilot_size: Text | None = None


class GoalField(Node):
    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")]
    label: Text | None = None
    prompt: Markdown | None = None


GoalExample = Union[Markdown, dict[str, Markdown]]


class GoalFormat(Node):
    name: Literal["SMART", "REAL", "GROW", "custom"]
    owner: RoleRefs = []
    fields: list[GoalField] = []
    examples: Annotated[list[GoalExample], BeforeValidator(_as_list)] = []


class Exercise(Node):
    title: Text
    minutes: Minutes | None = None
    steps: MarkdownList = []
    notes: Markdown | None = None


ExerciseItem = Union[Markdown, Exercise]


class Training(Node):
    id: Slug
    title: Text
    for_: RoleRefs = Field(alias="for", min_length=1)
    minutes: Minutes | None = None
    when: Annotated[str, BeforeValidator(_as_text), Field(pattern=r"^(before-kickoff|any|week-[1-9][0-9]*)$")] = "before-kickoff"
    objectives: MarkdownList = []
    guide: Text | None = None
    exercises: Annotated[list[ExerciseItem], BeforeValidator(_as_list)] = []


class Confidentiality(Node):
    norms: Annotated[MarkdownList, Field(min_length=1)]
    exceptions: MarkdownList = []
    administrator_sees: Markdown | None = None
    agreement: Markdown | None = None


class Agreement(Node):
    clauses: MarkdownList = []


class AgendaItem(Node):
    minutes: Minutes
    step: Markdown
    lead: RoleRef | None = None


class Session(Node):
    number: Annotated[int, Field(ge=1)]
    title: Text
    purpose: Markdown | None = None
    minutes: Minutes | None = None
    prep: dict[RoleRef, MarkdownList] = {}
    agenda: list[AgendaItem] = []
    exercises: dict[RoleRef, Annotated[list[ExerciseItem], BeforeValidator(_as_list)]] = {}
    prompts: MarkdownList = []
    reflection: MarkdownList = []
    commitments: MarkdownList = []


class Checkin(Node):
    after_session: Annotated[int, Field(ge=1)]
    title: Text
    with_: RoleRefs = Field([], alias="with")
    questions: MarkdownList = []


def _clock_text(value: Any) -> Any:
    """YAML reads an unquoted 9:30 as 570 (base-60 minutes): give the clock time back."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return f"{value // 60:02d}:{value % 60:02d}"
    return value


class Cohort(Node):
    name: Text = Field(description="What participants call this group, e.g. 'Spring 2027'.")
    start: dt.date = Field(description="Day of session 1, written YYYY-MM-DD; later dates follow the cadence.")
    time: Annotated[str, BeforeValidator(_clock_text), Field(pattern=r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$")] | None = Field(
        None, description="Start time of each session, HH:MM on a 24-hour clock.")
    zone: Text | None = Field(None, description="Time zone of the time, a tz database name such as 'Europe/Paris'.")

    @model_validator(mode="before")
    @classmethod
    def _start_day(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("start"), dt.datetime):
            data = {**data, "start": data["start"].date()}
        return data


class Evaluation(Node):
    questions: MarkdownList = []
    measures: MarkdownList = Field([], description="Before/after measures of the programme itself.")


class Recognition(Node):
    certificate: bool = False
    criteria: Markdown | None = None


class Change(Node):
    version: SemVer
    date: dt.date
    changes: MarkdownList = []

    @model_validator(mode="before")
    @classmethod
    def _date_text(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("date"), dt.datetime):
            data = {**data, "date": data["date"].date()}
        return data


class Programme(Node):
    id: Slug
    title: Text
    version: SemVer
    status: Literal["draft", "published"] = "published"
    language: Annotated[str, Field(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")] = "en"
    model: Literal[MODELS]  # type: ignore[valid-type]
    summary: Markdown
    purpose: Purpose
    roles: Annotated[list[Role], Field(min_length=2)]
    schedule: Schedule
    goal_format: GoalFormat
    training: list[Training] = []
    confidentiality: Confidentiality
    agreement: Agreement | None = None
    sessions: Annotated[list[Session], Field(min_length=1)]
    checkins: list[Checkin] = []
    cohorts: list[Cohort] = Field([], description="Groups that run the programme from a real start date: "
                                  "each gets a Dates page and a calendar file.")
    evaluation: Evaluation | None = None
    recognition: Recognition | None = None
    changelog: list[Change] = []

    # -- conveniences for templates (plain data, no logic in templates) --
    def role(self, role_id: str) -> Role | None:
        return next((r for r in self.roles if r.id == role_id), None)

    @property
    def participant_roles(self) -> list[Role]:
        return [r for r in self.roles if r.workbook]

    def session_minutes(self, session: Session) -> int:
        return session.minutes or self.schedule.session_minutes


# Built-in goal formats: the keys of their fields, in order. Labels, prompts and examples are words
# of the programme's language: goal_<format>_<key>[_prompt|_example] in theme/labels/*.yaml.
BUILTIN_GOAL_FIELDS: dict[str, list[str]] = {
    "SMART": ["specific", "measurable", "achievable", "relevant", "time_bound"],
    "REAL": ["relevant", "experimental", "aspirational", "learning"],
    "GROW": ["goal", "reality", "options", "will"],
    "custom": [],
}


def goal_field_keys(fmt: GoalFormat) -> list[str]:
    """The keys of a goal format's fields: built-ins, then the programme's own."""
    keys = list(BUILTIN_GOAL_FIELDS[fmt.name])
    return keys + [f.key for f in fmt.fields if f.key not in keys]


def json_schema() -> dict[str, Any]:
    schema = Programme.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Mentoring programme"
    return schema


def prep_for(session: Session, role_id: str) -> list[str]:
    """A role's prep steps for a session (kept for callers without the programme; see ``participation``)."""
    from .participation import prep_for as resolved

    return resolved(None, session, role_id)


def exercises_for(session: Session, role_id: str) -> list[Exercise]:
    """A role's exercises for a session (kept for callers without the programme; see ``participation``)."""
    from .participation import exercises_for as resolved

    return resolved(None, session, role_id)


def training_exercises(module: Training) -> list[Exercise]:
    return [item if isinstance(item, Exercise) else Exercise(title=item) for item in module.exercises]
