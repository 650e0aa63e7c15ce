"""Cohorts: groups of participants who run a programme from a real start date.

A programme may list ``cohorts`` (name, start date, optional time and zone). Each cohort gets a
Dates page (every session and check-in with its date) and an ``.ics`` calendar; the dates
themselves come from ``calendar`` (the one owner of date arithmetic). This module turns a cohort
into plain rows for the pages and checks cohorts for problems (bad zones, clashes).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any, Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from .model import Cohort, Programme
from .problems import Problem
from .rules import problem


def cohort_slug(cohort: Cohort, index: int) -> str:
    """'Spring 2027' -> 'spring-2027' (accents dropped); 'cohort-N' when nothing is left."""
    plain = unicodedata.normalize("NFKD", cohort.name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return slug or f"cohort-{index + 1}"


def cohort_time(cohort: Cohort) -> dt.time | None:
    if not cohort.time:
        return None
    hours, minutes = cohort.time.split(":")
    return dt.time(int(hours), int(minutes))


def meetings(prog: Programme, cohort: Cohort) -> list[dict[str, Any]]:
    """Every session and check-in of one cohort in date order: kind, day, start and end minutes
    after midnight (None without a time), session number or check-in title."""
    from .calendar import checkin_date, session_dates

    days = session_dates(prog, cohort.start)
    start = cohort_time(cohort)
    rows, offset = [], 0
    for session, day in zip(prog.sessions, days, strict=True):
        minutes = prog.session_minutes(session)
        begin = None if start is None else start.hour * 60 + start.minute + offset
        rows.append({"kind": "session", "day": day, "begin": begin, "end": None if begin is None else begin + minutes,
                     "session": session, "number": session.number, "title": session.title})
        if prog.schedule.cadence == "once":
            offset += minutes  # a one-off event's parts follow each other on the day
    for checkin in prog.checkins:
        if checkin.after_session <= len(days):
            rows.append({"kind": "checkin", "day": checkin_date(prog, days[checkin.after_session - 1]),
                         "begin": None, "end": None, "title": checkin.title, "after": checkin.after_session})
    rows.sort(key=lambda r: (r["day"], r["kind"] != "session", r["begin"] or 0))
    return rows


def _zones() -> set[str]:
    try:
        return available_timezones()
    except Exception:  # pragma: no cover - no tz database at all
        return set()


def cohort_problems(doc: Any, prog: Programme) -> list[Problem]:
    """Unknown time zones, a zone without a time, two cohorts with one name, and cohorts whose
    meetings clash (same day and overlapping times, or the same day when a time is missing)."""
    problems: list[Problem] = []

    def add(code: str, path: tuple[Any, ...], **facts: Any) -> None:
        line, col = doc.where(path)
        problems.append(problem(code, doc.file, line, col, **facts))

    names: dict[str, int] = {}
    slugs: dict[str, int] = {}
    for i, cohort in enumerate(prog.cohorts):
        if cohort.zone:
            try:
                ZoneInfo(cohort.zone)
            except (ZoneInfoNotFoundError, ValueError):
                import difflib

                close = difflib.get_close_matches(cohort.zone, sorted(_zones()), n=1, cutoff=0.6)
                add("HB418", ("cohorts", i, "zone"), zone=cohort.zone,
                    suggestion=f" (did you mean '{close[0]}'?)" if close else "")
            if not cohort.time:
                add("HB419", ("cohorts", i, "zone"), name=cohort.name)
        key = cohort.name.strip().lower()
        if key in names:
            add("HB420", ("cohorts", i, "name"), name=cohort.name, first=names[key] + 1)
        else:
            slug = cohort_slug(cohort, i)
            if slug in slugs:
                add("HB421", ("cohorts", i, "name"), first=prog.cohorts[slugs[slug]].name, name=cohort.name, slug=slug)
            slugs.setdefault(slug, i)
        names.setdefault(key, i)
    if any(p for p in problems):
        return problems
    sessions = [[m for m in meetings(prog, c) if m["kind"] == "session"] for c in prog.cohorts]
    for j, later in enumerate(prog.cohorts):
        for i in range(j):
            clash = _clash(sessions[i], sessions[j], prog.cohorts[i], later)
            if clash:
                a, b = clash
                first = prog.cohorts[i]
                add("HB422", ("cohorts", j, "start"), name=later.name, first=first.name, number=b["number"],
                    first_number=a["number"], day=a["day"].isoformat())
                break
    return problems


def _span(m: dict, cohort: Cohort, zoned: bool) -> tuple[dt.datetime, dt.datetime]:
    zone = ZoneInfo(cohort.zone) if zoned and cohort.zone else None
    begin = dt.datetime.combine(m["day"], dt.time(0), tzinfo=zone) + dt.timedelta(minutes=m["begin"])
    return begin, begin + dt.timedelta(minutes=m["end"] - m["begin"])


def _clash(first: list[dict], second: list[dict], a: Cohort, b: Cohort) -> tuple[dict, dict] | None:
    """The first pair of sessions that meet at the same time (the same day when a time is missing)."""
    zoned = bool(a.zone and b.zone)  # both zoned: compare instants; otherwise clock times
    for x in first:
        for y in second:
            if not (a.time and b.time):
                if x["day"] == y["day"]:
                    return x, y
                continue
            (s1, e1), (s2, e2) = _span(x, a, zoned), _span(y, b, zoned)
            if s1 < e2 and s2 < e1:
                return x, y
    return None


def day_text(day: dt.date, language: str) -> str:
    """'Mon 11 Jan 2027' in the programme's language (Babel's CLDR data)."""
    from babel.dates import format_date

    from .labels import locale_for

    return format_date(day, "EEE d MMM y", locale=locale_for(language))


def clock_text(minutes: int | None) -> str:
    return "" if minutes is None else f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def cohort_views(prog: Programme, shown: Callable[[str], Any] = str) -> list[dict[str, Any]]:
    """What the Dates pages, session pages and home page show of each cohort (plain data).

    ``prog`` is the programme as written (slugs come from the names as written); ``shown`` turns
    its names and titles into what a page prints (the site passes ``sanitize.inert``). Paths are
    relative to the programme's folder."""
    views = []
    for i, cohort in enumerate(prog.cohorts):
        slug = cohort_slug(cohort, i)
        rows = []
        for m in meetings(prog, cohort):
            rows.append({**m, "title": shown(m["title"]), "iso": m["day"].isoformat(),
                         "day_text": day_text(m["day"], prog.language),
                         "time_text": clock_text(m["begin"]),
                         "path": f"sessions/session-{m['number']:02d}.md" if m["kind"] == "session" else "checkins.md"})
        views.append({"name": shown(cohort.name), "slug": slug, "time": cohort.time,
                      "zone": shown(cohort.zone) if cohort.zone else None,
                      "start_text": day_text(cohort.start, prog.language),
                      "page": f"dates-{slug}.md", "ics": f"downloads/{prog.id}-{slug}.ics", "rows": rows,
                      "sessions": {r["number"]: r for r in rows if r["kind"] == "session"}})
    return views


def calendar_files(prog: Programme, site_url: str, theme_dir=None) -> dict[str, bytes]:
    """One iCalendar file per cohort, keyed by its path inside the docs folder."""
    from .calendar import build_calendar

    files = {}
    for view, cohort in zip(cohort_views(prog), prog.cohorts, strict=True):
        files[f"programs/{prog.id}/{view['ics']}"] = build_calendar(
            prog, cohort.start, time=cohort_time(cohort), tz=cohort.zone, site_url=site_url, theme_dir=theme_dir,
            name=cohort.name)
    return files
