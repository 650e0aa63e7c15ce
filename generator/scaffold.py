"""``handbook new``: a complete, valid starting point for each mentoring model."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .render import CADENCE_WEEKS, environment


@dataclass(frozen=True)
class Preset:
    roles: list[tuple[str, str, str, float]]  # id, title, description, hours per week
    cadence: str
    minutes: int
    sessions: list[str]
    goal: str
    owner: str
    reup_weeks: int | None = None
    notes: list[str] = field(default_factory=list)  # comments at the top of the file


PRESETS: dict[str, Preset] = {
    "reverse-technical": Preset(
        [("reverse-mentor", "Reverse mentor", "An early-career colleague fluent in the tools the executive wants to learn.", 1.0),
         ("executive", "Executive", "A senior leader learning by doing, with honest feedback.", 0.75)],
        "fortnightly", 60,
        ["Getting to know each other", "Search and listen", "Connect with people", "Reinforce the behaviours you want",
         "Your voice online", "Midpoint review", "Teach it back", "Closing and next steps"],
        "REAL", "executive", 26,
        ["In every session the reverse mentor has a prep sheet and the executive has exercise steps."]),
    "reverse-diversity": Preset(
        [("reverse-mentor", "Reverse mentor", "A colleague from an under-represented group who shares lived experience, by choice.", 1.0),
         ("leader", "Leader", "A senior leader who listens, reflects and acts.", 1.0)],
        "fortnightly", 60,
        ["Safety first: agreeing how we talk", "Lived experience, shared by choice", "What the organisation looks like from here",
         "Midpoint review", "From insight to action", "Closing and commitments"],
        "REAL", "leader", 26,
        ["Pairs are matched by an independent matcher; the reverse mentor may decline any topic."]),
    "circle": Preset(
        [("member", "Circle member", "One of four or five peers, each working on a personal goal.", 1.25),
         ("convenor", "Convenor", "A member who keeps time for the meeting; the role rotates.", 1.5)],
        "weekly", 60, [f"Circle meeting {n}" for n in range(1, 13)], "GROW", "member", 12,
        ["Twelve weekly meetings of an hour, each with a timed agenda."]),
    "group": Preset(
        [("mentor", "Group mentor", "An experienced colleague who facilitates the group.", 1.0),
         ("mentee", "Mentee", "One of about four colleagues from different departments.", 0.75)],
        "monthly", 90, ["Forming the group", "Sharing challenges", "Learning from each other", "Midpoint review",
                        "Stretch assignments", "Closing and celebration"], "GROW", "mentee", 26),
    "flash": Preset(
        [("mentor", "Flash mentor", "Answers one question per round, from their own experience.", 0.25),
         ("mentee", "Mentee", "Brings one question to each round.", 0.5)],
        "once", 75, ["Speed rounds"], "custom", "mentee", None),
    "micro": Preset(
        [("mentor", "Mentor", "Someone strong in the one skill the mentee wants.", 0.5),
         ("mentee", "Mentee", "Learning one specific skill.", 0.75)],
        "weekly", 30, ["The skill and the goal", "Practice with feedback", "Practice on real work", "Wrap-up"], "SMART", "mentee"),
    "rotational": Preset(
        [("ambassador", "Culture ambassador", "Shows the mentee one part of the organisation's culture for a month.", 0.5),
         ("mentee", "Mentee", "Meets a different ambassador every month.", 1.0)],
        "fortnightly", 45, [f"Month {(n + 1) // 2}, meeting {2 - n % 2}" for n in range(1, 13)], "REAL", "mentee", 26),
    "network": Preset(
        [("mentor", "Network mentor", "Introduces the mentee to new contacts, who join later meetings.", 0.75),
         ("mentee", "Mentee", "Builds relationships across the organisation.", 1.0)],
        "monthly", 60, ["Mapping your network", "First introduction", "Second introduction", "Midpoint review",
                        "Third introduction", "Your network plan"], "SMART", "mentee", 26),
    "external": Preset(
        [("external-mentor", "External mentor", "An experienced professional from outside the organisation.", 0.5),
         ("mentee", "Mentee", "A high-potential colleague.", 0.75)],
        "monthly", 60, ["Getting started", "Perspective from outside", "Midpoint review", "Stretch", "Planning ahead",
                        "Closing"], "GROW", "mentee", 26),
    "fireside": Preset(
        [("senior-leader", "Senior leader", "Hosts an open conversation once or twice a year.", 0.1),
         ("participant", "Participant", "Comes with a question and listens.", 0.1)],
        "once", 60, ["Fireside conversation"], "custom", "participant"),
    "one-to-one": Preset(
        [("mentor", "Mentor", "A senior colleague who shares experience.", 0.5),
         ("mentee", "Mentee", "A colleague working on their development.", 0.75)],
        "monthly", 60, ["Getting to know each other", "Setting the goal", "Working on the goal", "Midpoint review",
                        "Working on the goal", "Closing"], "SMART", "mentee", 26),
    "peer": Preset(
        [("peer", "Peer", "Colleagues of similar experience who learn from each other.", 0.75),
         ("coordinator", "Coordinator", "Matches peers and checks in (no workbook).", 0.25)],
        "fortnightly", 45, ["Getting started", "Swapping expertise", "Midpoint review", "Applying it", "Closing"],
        "GROW", "peer", 12),
    "reciprocal": Preset(
        [("senior-partner", "Senior partner", "Brings experience; learns a newer perspective.", 0.75),
         ("junior-partner", "Junior partner", "Brings a newer perspective; learns from experience.", 0.75)],
        "monthly", 60, ["Two-way agreement", "What I can teach you", "What you can teach me", "Midpoint review",
                        "Trying each other's approach", "Closing"], "GROW", "senior-partner", 26),
}


def scaffold(programme_id: str, model: str, theme_dir, today: dt.date | None = None, *,
             language: str = "en", status: str = "draft") -> str:
    preset = PRESETS[model]
    title = programme_id.replace("-", " ").title()
    return environment(theme_dir).get_template("scaffold/programme.yaml.j2").render(
        id=programme_id, title=title, model=model, pre=preset, today=(today or dt.date.today()).isoformat(),
        reup_weeks=reup_weeks(preset),
        language=language, status=status,
    )


def reup_weeks(preset: Preset) -> int | None:
    """The re-up moment falls on the last session: a preset's months-long default is capped at the programme's end."""
    if preset.reup_weeks is None:
        return None
    last = 1 + (len(preset.sessions) - 1) * CADENCE_WEEKS[preset.cadence]
    return min(preset.reup_weeks, last)
