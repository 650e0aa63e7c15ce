"""Step 2: the typed programme (its reference: guides/reference/format.md, generated from here).

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


_TextInput = Union[str, int, float]
Text = Annotated[str, BeforeValidator(_as_text, json_schema_input_type=_TextInput)]
Markdown = Annotated[str, BeforeValidator(_as_text, json_schema_input_type=_TextInput)]
Slug = Annotated[str, Field(pattern=SLUG)]
SemVer = Annotated[str, BeforeValidator(_as_text, json_schema_input_type=Annotated[str, Field(pattern=SEMVER)]),
                   Field(pattern=SEMVER)]
WHEN = r"^(before-kickoff|any|week-[1-9][0-9]*)$"
LANGUAGE = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
FIELD_KEY = r"^[a-z][a-z0-9_-]*$"
MAX_ITEMS = 200  # any one list of steps, questions, clauses …
MAX_SESSIONS = 104  # two years of weekly meetings
MAX_ROLES = 12
MarkdownList = Annotated[list[Markdown], BeforeValidator(_as_list, json_schema_input_type=Union[Markdown, list[Markdown]]),
                         Field(max_length=MAX_ITEMS)]
RoleRef = Annotated[str, Field(min_length=1)]
RoleRefs = Annotated[list[RoleRef], BeforeValidator(_as_list, json_schema_input_type=Union[RoleRef, list[RoleRef]])]
Minutes = Annotated[int, Field(gt=0, le=24 * 60)]


def _one_or_list(item: Any) -> Any:
    """A list that may also be written as its single item (the schema says both are fine)."""
    return Annotated[list[item], BeforeValidator(_as_list, json_schema_input_type=Union[item, list[item]])]


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
    role: RoleRef = Field(description="Role id whose learning this describes.", examples=["mentor"])
    learns: Markdown = Field(description="What this role should learn.", examples=["How to run a one-to-one that helps."])
    evidence: Markdown | None = Field(None, description="Observable shift or indicator that shows it.",
                                      examples=["Names one change they made by session 4."])
    collected_by: _one_or_list(Text) = Field(  # type: ignore[valid-type]
        [], description="Where the evidence is collected: a check-in's title, 'evaluation question N' or "
                        "'evaluation measure N' (checked by handbook lint).", examples=[["Halfway conversation"]])


class Purpose(Node):
    statement: Markdown = Field(description="Why the programme exists, in a sentence or two.",
                                examples=["New managers learn from experienced ones in a safe setting."])
    organisational_goals: MarkdownList = Field([], description="The organisation's goals this programme serves.",
                                               examples=[["Keep new managers in their first year"]])
    outcomes: list[Outcome] = Field([], description="What each role should learn, and how you will see it.")


class Role(Node):
    id: Slug = Field(description="Short id used everywhere a role is named (prep, agenda leads, check-ins).",
                     examples=["mentor"])
    title: Text = Field(description="The role's name as participants read it.", examples=["Experienced manager"])
    description: Markdown | None = Field(None, description="Who takes this role, in a sentence.",
                                         examples=["Has led a team for at least three years."])
    responsibilities: MarkdownList = Field([], description="What someone in this role does.",
                                           examples=[["Read the prep sheet", "Share what went wrong, not only what went right"]])
    hours_per_week: Annotated[float, Field(ge=0, le=40)] | None = Field(
        None, description="Expected time commitment in hours per week (0 to 40).", examples=[1.5])
    benefits: MarkdownList = Field([], description="Reciprocity: what this role gains.",
                                   examples=[["A fresh view of their own habits"]])
    workbook: bool = Field(True, description="Print a workbook for this role (false for e.g. a coordinator).",
                           examples=[False])
    headcount: Annotated[int, Field(ge=1, le=100_000)] | None = Field(
        None, description="How many people take this role in one cohort (for handbook lint's capacity check).",
        examples=[8])
    per_meeting: Annotated[int, Field(ge=1, le=1_000)] | None = Field(
        None, description="How many people of this role sit in one meeting (default 1).", examples=[3])
    meetings_each: Annotated[int, Field(ge=1, le=1_000)] | None = Field(
        None, description="How many meetings each person in this role takes part in (default: every session).",
        examples=[4])


class Schedule(Node):
    cadence: Literal[CADENCES] = Field(  # type: ignore[valid-type]
        description="How often the sessions happen ('once' for a one-off event).", examples=["weekly"])
    session_minutes: Minutes = Field(description="Usual length of a session in minutes (a session may set its own).",
                                     examples=[45])
    reup_after_weeks: Annotated[int, Field(gt=0, le=520)] | None = Field(
        None, description="After how many weeks pairs decide whether to continue.", examples=[12])
    pilot_size: Text | None = Field(None, description="How many pairs or groups the first cohort has.",
                                    examples=["8 pairs"])


class GoalField(Node):
    key: Annotated[str, Field(pattern=FIELD_KEY)] = Field(
        description="Field key; a built-in key (e.g. 'specific') overrides that field's label or prompt.",
        examples=["specific"])
    label: Text | None = Field(None, description="Heading of the field in the goal sheet.", examples=["Specific"])
    prompt: Markdown | None = Field(None, description="Question that helps the participant fill it in.",
                                    examples=["Which habit, in which meeting?"])


GoalExample = Union[Markdown, dict[str, Markdown]]


class GoalFormat(Node):
    name: Literal["SMART", "REAL", "GROW", "custom"] = Field(
        description="The goal-setting format; 'custom' uses only the fields listed here.", examples=["SMART"])
    owner: RoleRefs = Field([], description="Role(s) who write a goal (one role id or a list).",
                            examples=[["mentee", "mentor"]])
    fields: list[GoalField] = Field([], description="Fields added to, or overriding, the format's built-in fields.")
    examples: _one_or_list(GoalExample) = Field(  # type: ignore[valid-type]
        [], description="Example goals: plain text, or a mapping from field key to text.",
        examples=[["Hold a fortnightly one-to-one with each report for three months."]])


class Exercise(Node):
    title: Text = Field(description="Name of the exercise.", examples=["Shadow a planning meeting"])
    minutes: Minutes | None = Field(None, description="How long it takes, in minutes.", examples=[15])
    steps: MarkdownList = Field([], description="The steps, in order.",
                                examples=[["Ask to join one meeting", "Write down two questions"]])
    notes: Markdown | None = Field(None, description="Anything else the participant should know.")


ExerciseItem = Union[Markdown, Exercise]


class Training(Node):
    id: Slug = Field(description="Short id of the training module, unique in the programme.",
                     examples=["coaching-basics"])
    title: Text = Field(description="Name of the training module.", examples=["Coaching basics"])
    for_: RoleRefs = Field(alias="for", min_length=1, description="Role(s) who take this training.",
                           examples=[["mentor"]])
    minutes: Minutes | None = Field(None, description="Length of the training in minutes.", examples=[60])
    when: Annotated[str, BeforeValidator(_as_text, json_schema_input_type=Annotated[str, Field(pattern=WHEN)]),
                    Field(pattern=WHEN)] = Field(
        "before-kickoff", description="When to take it: 'before-kickoff', 'any' or 'week-N' (N up to the number of sessions).",
        examples=["week-2"])
    objectives: MarkdownList = Field([], description="What participants can do afterwards.",
                                     examples=[["Ask open questions"]])
    guide: Text | None = Field(None, description="A guide page for this module: a .md path under guides/.",
                               examples=["training/active-listening.md"])
    exercises: _one_or_list(ExerciseItem) = Field(  # type: ignore[valid-type]
        [], description="Exercises: a line of text, or a mapping with title, minutes, steps and notes.",
        examples=[["Practise a coaching conversation"]])


class Confidentiality(Node):
    norms: Annotated[MarkdownList, Field(min_length=1)] = Field(
        description="What stays private between the participants (at least one).",
        examples=[["Stories shared in a session are not repeated outside it"]])
    exceptions: MarkdownList = Field([], description="When confidentiality does not hold.", examples=[["Someone is at risk of harm"]])
    administrator_sees: Markdown | None = Field(None, description="What the programme's administrators can see.",
                                                examples=["Which sessions took place."])
    agreement: Markdown | None = Field(None, description="The confidentiality promise participants sign.",
                                       examples=["We keep what we hear to ourselves."])


class Agreement(Node):
    clauses: MarkdownList = Field([], description="Clauses of the mentoring agreement both parties sign.",
                                  examples=[["Meet every second Tuesday for an hour", "Either of us may pause the pairing"]])


class AgendaItem(Node):
    minutes: Minutes = Field(description="Length of this step in minutes.", examples=[15])
    step: Markdown = Field(description="What happens in this step.", examples=["Round of names and one hope each"])
    lead: RoleRef | None = Field(None, description="Role who leads the step ('coordinator', 'all' or 'both' also work).",
                                 examples=["mentor"])


class Session(Node):
    number: Annotated[int, Field(ge=1)] = Field(description="Session number: 1, 2, 3 … in order.", examples=[1])
    title: Text = Field(description="Title of the session.", examples=["Getting started"])
    purpose: Markdown | None = Field(None, description="What the session is for.", examples=["Agree how you will work together."])
    minutes: Minutes | None = Field(None, description="Length of this session if it differs from schedule.session_minutes.",
                                    examples=[60])
    prep: dict[RoleRef, MarkdownList] = Field(
        {}, description="Preparation steps by role id ('all' for everyone).",
        examples=[{"mentor": ["Bring a story about your first year"], "mentee": ["Note one decision you found hard"]}])
    agenda: Annotated[list[AgendaItem], Field(max_length=MAX_ITEMS)] = Field([], description="Timed steps of the meeting; they add up to at most the session's length.")
    exercises: dict[RoleRef, _one_or_list(ExerciseItem)] = Field(  # type: ignore[valid-type]
        {}, description="Exercises by role id ('all' for everyone).",
        examples=[{"mentee": [{"title": "Shadow a planning meeting", "minutes": 15}]}])
    prompts: MarkdownList = Field([], description="Conversation prompts for the meeting.", examples=[["What would you do differently?"]])
    reflection: MarkdownList = Field([], description="Reflection questions after the meeting.",
                                     examples=[["What will you change this week?"]])
    commitments: MarkdownList = Field([], description="Commitments to make before the next session.",
                                      examples=[["Ask one team member for feedback"]])


class Checkin(Node):
    after_session: Annotated[int, Field(ge=1)] = Field(description="The session this check-in follows.", examples=[2])
    title: Text = Field(description="Title of the check-in.", examples=["Halfway conversation"])
    with_: RoleRefs = Field([], alias="with", description="Who takes part (role ids, or 'coordinator').",
                            examples=[["coordinator"]])
    questions: MarkdownList = Field([], description="Questions to ask.", examples=[["What would make the next sessions better?"]])


def _clock_text(value: Any) -> Any:
    """YAML reads an unquoted 9:30 as 570 (base-60 minutes): give the clock time back."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return f"{value // 60:02d}:{value % 60:02d}"
    return value


class Cohort(Node):
    name: Text = Field(description="What participants call this group, e.g. 'Spring 2027'.", examples=["Spring 2027"])
    start: dt.date = Field(description="Day of session 1, written YYYY-MM-DD; later dates follow the cadence.",
                           examples=["2027-03-01"])
    time: Annotated[str, BeforeValidator(_clock_text, json_schema_input_type=Union[str, int]),
                    Field(pattern=r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$")] | None = Field(
        None, description="Start time of each session, HH:MM on a 24-hour clock.", examples=["09:30"])
    zone: Text | None = Field(None, description="Time zone of the time, a tz database name such as 'Europe/Paris'.",
                              examples=["Europe/Paris"])

    @model_validator(mode="before")
    @classmethod
    def _start_day(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("start"), dt.datetime):
            data = {**data, "start": data["start"].date()}
        return data


class Evaluation(Node):
    questions: MarkdownList = Field([], description="Questions for participants at the end.",
                                    examples=[["What should the next cohort know?"]])
    measures: MarkdownList = Field([], description="Before/after measures of the programme itself.",
                                   examples=[["Self-rated confidence, before and after"]])


class Recognition(Node):
    certificate: bool = Field(False, description="Whether participants receive a certificate.", examples=[True])
    criteria: Markdown | None = Field(None, description="What earns the certificate.",
                                      examples=["Takes part in at least five of six sessions."])


class Change(Node):
    version: SemVer = Field(description="The programme version this entry describes.", examples=["1.2.0"])
    date: dt.date = Field(description="Date of the change, YYYY-MM-DD.", examples=["2026-09-01"])
    changes: MarkdownList = Field([], description="What changed, as participants would notice it.",
                                  examples=[["Added a session on delegation"]])

    @model_validator(mode="before")
    @classmethod
    def _date_text(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("date"), dt.datetime):
            data = {**data, "date": data["date"].date()}
        return data


class Programme(Node):
    id: Slug = Field(description="The programme's id: the file name without .yaml, lowercase words joined by hyphens.",
                     examples=["first-year-managers"])
    title: Text = Field(description="The programme's name as readers see it.", examples=["First-year managers"])
    version: SemVer = Field(description="Semantic version; raise it for every change participants notice.",
                            examples=["1.2.0"])
    status: Literal["draft", "published"] = Field(
        "published", description="'draft' programmes are built only with --drafts.", examples=["draft"])
    language: Annotated[str, Field(pattern=LANGUAGE)] = Field(
        "en", description="Language of the programme's text; labels around it follow (e.g. 'en', 'fr').", examples=["fr"])
    model: Literal[MODELS] = Field(  # type: ignore[valid-type]
        description="The mentoring model: " + ", ".join(MODELS) + ".", examples=["one-to-one"])
    summary: Markdown = Field(description="One or two sentences shown in the catalogue.",
                              examples=["New managers meet an experienced one every fortnight for six months."])
    purpose: Purpose = Field(description="Why the programme exists and what each role learns.")
    roles: Annotated[list[Role], Field(min_length=2, max_length=MAX_ROLES)] = Field(description="The roles in the programme (at least two).")
    schedule: Schedule = Field(description="How often and how long the sessions are.")
    goal_format: GoalFormat = Field(description="How participants write their goals.")
    training: Annotated[list[Training], Field(max_length=MAX_ITEMS)] = Field([], description="Training modules before or during the programme.")
    confidentiality: Confidentiality = Field(description="What stays private, and its limits.")
    agreement: Agreement | None = Field(None, description="The mentoring agreement participants sign.")
    sessions: Annotated[list[Session], Field(min_length=1, max_length=MAX_SESSIONS)] = Field(description="The sessions, numbered 1, 2, 3 … in order.")
    checkins: Annotated[list[Checkin], Field(max_length=MAX_ITEMS)] = Field([], description="Check-ins between sessions, with the coordinator or each other.")
    cohorts: Annotated[list[Cohort], Field(max_length=MAX_ITEMS)] = Field(
        [], description="Groups that run the programme from a real start date: each gets a Dates page and a calendar file.",
        examples=[[{"name": "Spring 2027", "start": "2027-03-01", "time": "09:30", "zone": "Europe/Paris"}]])
    evaluation: Evaluation | None = Field(None, description="How the programme is evaluated at the end.")
    recognition: Recognition | None = Field(None, description="Certificates and what earns them.")
    changelog: Annotated[list[Change], Field(max_length=MAX_ITEMS)] = Field([], description="Changes by version, newest first; the top entry is the current version.")

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


_KEEP_OUTSIDE = ("description", "default", "examples", "title")


def _optional_may_be_empty(node: dict[str, Any]) -> None:
    """An optional key written with no value is accepted (see ``Node``); say so in the schema."""
    required = set(node.get("required", []))
    for name, prop in node.get("properties", {}).items():
        if name in required:
            continue
        choices = prop.get("anyOf", [])
        if any(choice.get("type") == "null" for choice in choices):
            continue
        inner = {k: v for k, v in prop.items() if k not in _KEEP_OUTSIDE}
        outer = {k: v for k, v in prop.items() if k in _KEEP_OUTSIDE}
        outer["anyOf"] = (choices if list(inner) == ["anyOf"] else [inner]) + [{"type": "null"}]
        node["properties"][name] = outer


def json_schema() -> dict[str, Any]:
    """The JSON Schema editors use: what ``handbook validate`` accepts, key by key, with descriptions.

    It describes the input (a single role id may stand for a list, a number for text, an optional
    key may be left empty) and refuses unknown keys. Cross-references (roles, numbering, timings)
    are ``handbook validate``'s job.
    """
    schema = Programme.model_json_schema(by_alias=True, mode="validation")
    for node in [schema, *schema.get("$defs", {}).values()]:
        _optional_may_be_empty(node)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Mentoring programme"
    schema["description"] = ("A mentoring programme for the handbook generator. Reference: "
                             "guides/reference/format.md; check with 'handbook validate'.")
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
