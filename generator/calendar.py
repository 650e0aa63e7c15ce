"""A cohort calendar: an iCalendar file with every session and check-in of one programme."""

from __future__ import annotations

import calendar as cal
import datetime as dt
import hashlib
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

from . import __version__
from .labels import labels
from .model import Programme
from .participation import checkin_views, session_view
from .pages import page_url, session_path

INTERVAL_DAYS = {"weekly": 7, "fortnightly": 14}


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, cal.monthrange(year, month)[1]))


def session_dates(prog: Programme, start: dt.date) -> list[dt.date]:
    cadence = prog.schedule.cadence
    dates = []
    for i, _ in enumerate(prog.sessions):
        if cadence == "monthly":
            dates.append(add_months(start, i))
        elif cadence == "once":
            dates.append(start)  # a one-off event: every part happens on the day
        else:
            dates.append(start + dt.timedelta(days=INTERVAL_DAYS[cadence] * i))
    return dates


def checkin_date(prog: Programme, session_day: dt.date) -> dt.date:
    gap = {"weekly": 3, "fortnightly": 7, "monthly": 14, "once": 7}[prog.schedule.cadence]
    return session_day + dt.timedelta(days=gap)


def _page_url(site_url: str, path: str) -> str:
    return site_url.rstrip("/") + "/" + page_url(path)


def build_calendar(prog: Programme, start: dt.date, *, time: dt.time | None = None, tz: str | None = None,
                   site_url: str = "http://127.0.0.1:8000/", theme_dir: Path | None = None,
                   name: str | None = None) -> bytes:
    words = labels(theme_dir, prog.language)  # None: the packaged theme
    ical = icalendar.Calendar()
    ical.add("prodid", f"-//Mentoring Handbook//handbook {__version__}//EN")
    ical.add("version", "2.0")
    ical.add("calscale", "GREGORIAN")
    calname = words.text("ics_calendar_name", programme=prog.title, version=prog.version)
    ical.add("x-wr-calname", f"{calname} — {name}" if name else calname)  # name: a cohort's
    zone = ZoneInfo(tz) if tz else None
    stamp = dt.datetime.combine(start, dt.time(0, 0), tzinfo=dt.timezone.utc)

    def event(uid_seed: str, summary: str, day: dt.date, minutes: int, description: str, url: str,
              offset: int = 0) -> None:
        item = icalendar.Event()
        item.add("uid", hashlib.sha1(f"{prog.id}/{start}/{uid_seed}".encode()).hexdigest() + "@handbook")
        item.add("dtstamp", stamp)
        item.add("summary", summary, parameters={"LANGUAGE": prog.language})
        if time is not None:
            begin = dt.datetime.combine(day, time, tzinfo=zone) + dt.timedelta(minutes=offset)
            item.add("dtstart", begin)
            item.add("dtend", begin + dt.timedelta(minutes=minutes))
        else:
            item.add("dtstart", day)
            item.add("dtend", day + dt.timedelta(days=1))
        item.add("description", description, parameters={"LANGUAGE": prog.language})
        item.add("url", url)
        ical.add_component(item)

    dates = session_dates(prog, start)
    offset = 0  # a one-off event's parts follow each other on the day
    for session, day in zip(prog.sessions, dates, strict=True):
        url = _page_url(site_url, session_path(prog, session.number))
        lines = [words.text("ics_session_guide", url=url)]
        if session.purpose:
            lines += ["", session.purpose.strip()]
        for tasks in session_view(prog, session, words).tasks:
            if tasks.prep:
                lines += ["", words.text("ics_prep_for", role=tasks.title.lower())] + [f"- {step.strip()}" for step in tasks.prep]
        summary = words.text("ics_session", programme=prog.title, n=session.number, title=session.title)
        event(f"session-{session.number}", summary, day,
              prog.session_minutes(session), "\n".join(lines), url, offset)
        if prog.schedule.cadence == "once":
            offset += prog.session_minutes(session)
    for view in checkin_views(prog, words):
        checkin, i = view.checkin, view.number
        day = checkin_date(prog, dates[checkin.after_session - 1])
        url = _page_url(site_url, f"programs/{prog.id}/checkins.md")
        questions = [f"- {q.strip()}" for q in checkin.questions]
        event(f"checkin-{i}", words.text("ics_checkin", programme=prog.title, title=checkin.title), day, 30,
              "\n".join([words.text("ics_checkin_page", url=url), words.text("ics_who", parties=words.join(view.attendees)),
                         "", *questions]), url)
    if zone is not None:
        ical.add_missing_timezones()
    return ical.to_ical()
