"""Render a programme into the handbook site's Markdown pages (engine-neutral).

The result is plain data: ``{path inside docs: Markdown text}`` plus a navigation list. The
MkDocs adapter hands these to MkDocs; another engine could take them as they are.
"""

from __future__ import annotations

import math
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cohorts import cohort_views
from .labels import Labels, labels, locale_for
from .model import Programme
from .offline import SITE_ZIP
from .participation import checkin_views
from .render import (CADENCE_WEEKS, agenda_rows, builtin_goal_example, environment, goal_fields, party_title,
                     programme_context, programme_weeks, role_tasks, session_week, training_rows)
from .sanitize import inert, site_view

CATALOGUE_MARKER = "<!-- handbook:catalogue -->"
CATALOGUE_PAGE = "programs/index.md"  # every programme, filterable; the Programmes section's own page
# Navigation entries of the site itself (not of one programme): in the site's language, and in the
# language of the page around them on a programme's pages.
SITE_NAV_KEYS = ("nav_home", "nav_programmes", "nav_training_guides", "nav_goal_formats")


@dataclass(frozen=True)
class Download:
    title: str
    filename: str  # relative to the programme's folder in the site
    description: str
    kind: str  # workbook | session-sheets | facilitator-guide | coordinator-pack
    role_id: str | None = None


def programme_dir(prog: Programme) -> str:
    return f"programs/{prog.id}"


def session_path(prog: Programme, number: int) -> str:
    return f"{programme_dir(prog)}/sessions/session-{number:02d}.md"


def downloads(prog: Programme, words: Labels | None = None) -> list[Download]:
    """The PDFs built for a programme (file names are part of the contract with ``workbook``).

    Titles and descriptions are in ``words`` (the programme's language); without words only the
    files are known (what ``workbook`` needs to plan its jobs).
    """
    def say(key: str, **values) -> str:
        return words.text(key, **values) if words is not None else ""

    items = []
    for role in prog.participant_roles:
        items.append(Download(say("workbook_of", role=role.title), f"downloads/{prog.id}-{role.id}-workbook.pdf",
                              say("workbook_desc"), "workbook", role.id))
        items.append(Download(say("session_sheets_of", role=role.title),
                              f"downloads/{prog.id}-{role.id}-session-sheets.pdf", say("sheets_desc"),
                              "session-sheets", role.id))
    items.append(Download(say("facilitator_guide"), f"downloads/{prog.id}-facilitator-guide.pdf",
                          say("facilitator_desc"), "facilitator-guide"))
    items.append(Download(say("coordinator_pack"), f"downloads/{prog.id}-coordinator-pack.pdf",
                          say("coordinator_pack_desc"), "coordinator-pack"))
    return items


def _timeline(prog: Programme) -> dict[str, Any]:
    """What the overview's timeline shows: every session, check-in and the continue-or-exit point in
    order (a vertical list on phones), plus coordinates for the wide picture. A one-off event has no
    week axis: it is one event, with its check-ins after it."""
    step = CADENCE_WEEKS[prog.schedule.cadence]
    once = prog.schedule.cadence == "once"
    reup = prog.schedule.reup_after_weeks
    sessions = [{"week": session_week(prog, s), "number": s.number, "title": s.title,
                 "minutes": prog.session_minutes(s)} for s in prog.sessions]
    checkins = [{"week": session_week(prog, prog.sessions[c.after_session - 1]) + step / 2,
                 "after": c.after_session, "title": c.title}
                for c in prog.checkins if c.after_session <= len(prog.sessions)]
    events = ([{"kind": "session", **s} for s in sessions] + [{"kind": "checkin", **c} for c in checkins]
              + ([{"kind": "reup", "week": reup}] if reup else []))
    events.sort(key=lambda e: (e["week"], {"session": 0, "checkin": 1, "reup": 2}[e["kind"]]))
    if once:
        return {"once": True, "events": events, "minutes": sum(s["minutes"] for s in sessions)}
    span = math.ceil(max([programme_weeks(prog), reup or 0, 2] + [c["week"] for c in checkins]))
    width, left, right = 760, 40, 40

    def x(week: float) -> float:
        return round(left + (week - 1) / (span - 1) * (width - left - right), 1)

    for item in sessions + checkins:
        item["x"] = x(item["week"])
    anchor = None
    if reup:  # keep the label inside the picture near either edge
        anchor = "end" if x(reup) > width - 160 else "start" if x(reup) < 160 else "middle"
    return {
        "once": False, "events": events,
        "width": width, "height": 110, "x0": left, "x1": width - right,
        "sessions": sessions, "checkins": checkins,
        "reup": {"x": x(reup), "week": reup, "anchor": anchor} if reup else None,
        "weeks": span,
    }


def _session_roles(prog: Programme, session, words) -> tuple[list[dict], list[dict]]:
    """Roles with something to prepare or practise in a session (a tab each), and the others with
    the agenda steps they lead (one line on the page)."""
    tasks = role_tasks(prog, session, words)
    busy = [t for t in tasks if t.busy]
    shown = {t.role.id for t in busy if t.role is not None}
    others = [{"title": r.title, "leads": [a.step for a in session.agenda if a.lead == r.id]}
              for r in prog.roles if r.id not in shown]
    return busy, others


def page_url(path: str) -> str:
    """The URL of a page (relative to the site's root) from its Markdown path or its written HTML file:
    'programs/x/training.md' and 'programs/x/training/index.html' -> 'programs/x/training/'."""
    if path.endswith(".html"):
        stem = path.removesuffix(".html").removesuffix("index")
        return stem if stem.endswith("/") or not stem else stem + "/"
    stem = path.removesuffix(".md").removesuffix("index")
    return stem if not stem or stem.endswith("/") else stem + "/"


def nav_group(url: str) -> str:
    """The programme a page URL belongs to ('programs/x'), or '' for the rest of the site:
    previous/next links stay inside one programme."""
    parts = url.strip("/").split("/")
    return "/".join(parts[:2]) if parts[0] == "programs" and len(parts) >= 2 else ""


def programme_pages(prog: Programme, theme_dir: Path, *, pdfs: bool = True) -> dict[str, str]:
    """Every page of one programme, as Markdown keyed by its path inside the docs folder."""
    cohorts = cohort_views(prog, inert)  # slugs from the names as written, names printed inert
    prog = site_view(prog)  # every programme string the templates print is inert markup from here on
    env = environment(theme_dir)
    common = programme_context(prog, theme_dir)
    words = common["L"]
    base = programme_dir(prog)
    context = {
        **common,
        "cohorts": cohorts,
        "sessions": [{"s": s, "week": session_week(prog, s), "minutes": prog.session_minutes(s),
                      "path": f"sessions/session-{s.number:02d}.md", "agenda": agenda_rows(prog, s, words),
                      "roles": _session_roles(prog, s, words)[0], "others": _session_roles(prog, s, words)[1],
                      "dates": [{"cohort": v["name"], "page": "../" + v["page"], **v["sessions"][s.number]}
                                for v in cohorts]} for s in prog.sessions],
        "checkins": checkin_views(prog, words),
        "goal_fields": goal_fields(prog.goal_format, words),
        "goal_example": builtin_goal_example(prog.goal_format, words),
        "training": training_rows(prog, None, words),
        "downloads": downloads(prog, words),
        "pdfs": pdfs,
        "timeline": _timeline(prog),
        "role_title": lambda rid: party_title(prog, rid, words),
        "checkin_lines": [words.text("checkin_after", title=c.title, n=c.after_session) for c in prog.checkins],
    }
    pages = {
        f"{base}/index.md": env.get_template("pages/overview.md.j2").render(context),
        f"{base}/goals.md": env.get_template("pages/goals.md.j2").render(context),
        f"{base}/training.md": env.get_template("pages/training.md.j2").render(context),
        f"{base}/confidentiality.md": env.get_template("pages/confidentiality.md.j2").render(context),
        f"{base}/checkins.md": env.get_template("pages/checkins.md.j2").render(context),
        f"{base}/evaluation.md": env.get_template("pages/evaluation.md.j2").render(context),
        f"{base}/changelog.md": env.get_template("pages/changelog.md.j2").render(context),
        f"{base}/downloads.md": env.get_template("pages/downloads.md.j2").render(context),
    }
    template = env.get_template("pages/session.md.j2")
    for i, item in enumerate(context["sessions"]):
        previous = context["sessions"][i - 1] if i else None
        following = context["sessions"][i + 1] if i + 1 < len(context["sessions"]) else None
        pages[f"{base}/{item['path']}"] = template.render(context, item=item, previous=previous, following=following)
    template = env.get_template("pages/dates.md.j2")
    for view in cohorts:
        pages[f"{base}/{view['page']}"] = template.render(context, cohort=view)
    return pages


def catalogue(programmes: list[Programme], theme_dir: Path, site_language: str = "en", here: str = "index.md") -> str:
    """The catalogue of programmes (Markdown, in the site's language like the rest of the home page),
    with its filters by model, language and words; ``here`` is the page it goes into (links are
    written relative to it)."""
    folder = posixpath.dirname(here)

    def link(path: str) -> str:
        return posixpath.relpath(path, folder or ".")

    words = labels(theme_dir, site_language)
    rows = [{**programme_context(site_view(p), theme_dir, language=site_language),
             "link": link(f"{programme_dir(p)}/index.md"), "language_name": language_name(p.language, site_language),
             "sessions": [(s.number, link(session_path(p, s.number))) for s in p.sessions],
             "this_week": [{**r, "cohort": v["name"], "path": link(session_path(p, r["number"]))}
                           for v in cohort_views(p, inert) for r in v["rows"] if r["kind"] == "session"]}
            for p in sorted(programmes, key=lambda p: p.title.lower())]
    models = sorted({(r["p"].model, r["model_title"]) for r in rows}, key=lambda m: m[1].lower())
    languages = sorted({(r["p"].language, r["language_name"]) for r in rows}, key=lambda m: m[1].lower())
    return environment(theme_dir).get_template("pages/catalogue.md.j2").render(
        rows=rows, L=words, site_zip=link(SITE_ZIP), models=models, languages=languages)


def catalogue_page(programmes: list[Programme], theme_dir: Path, site_language: str = "en") -> str:
    """The Programmes page: the catalogue on a page of its own (the Programmes section's index)."""
    words = labels(theme_dir, site_language)
    return environment(theme_dir).get_template("pages/programmes.md.j2").render(
        L=words, catalogue=catalogue(programmes, theme_dir, site_language, here=CATALOGUE_PAGE))


def language_name(tag: str, in_language: str) -> str:
    """'fr-CA' as a reader of ``in_language`` calls it ('French (Canada)'), from CLDR."""
    name = locale_for(tag).get_display_name(locale_for(in_language)) or tag
    return name[:1].upper() + name[1:]


def navigation(programmes: list[Programme], guides: list[tuple[str, str]], theme_dir: Path,
               site_language: str = "en") -> list[dict[str, Any]]:
    """Site navigation as plain data (the shape of mkdocs.yml's ``nav``).

    ``guides`` are (path inside docs, title) of the hand-written pages other than the home page.
    A programme's entries are in its language; the rest in the site's.
    """
    site = labels(theme_dir, site_language)
    nav: list[dict[str, Any]] = [{site.text("nav_home"): "index.md"}]
    section: list[Any] = [CATALOGUE_PAGE]
    for prog in sorted(programmes, key=lambda p: p.title.lower()):
        base = programme_dir(prog)
        words = labels(theme_dir, prog.language)
        views = cohort_views(prog, inert)
        dates = ([{words.text("dates"): f"{base}/{views[0]['page']}"}] if len(views) == 1
                 else [{words.text("dates"): [{str(v["name"]): f"{base}/{v['page']}"} for v in views]}] if views else [])
        section.append({str(inert(prog.title)): [
            f"{base}/index.md",
            {words.text("goals"): f"{base}/goals.md"},
            {words.text("training"): f"{base}/training.md"},
            {words.text("confidentiality_agreement"): f"{base}/confidentiality.md"},
            {words.text("sessions"): [{words.text("nav_session", n=s.number, title=inert(s.title)):
                                       session_path(prog, s.number)} for s in prog.sessions]},
            *dates,
            {words.text("checkins"): f"{base}/checkins.md"},
            {words.text("evaluation"): f"{base}/evaluation.md"},
            {words.text("changelog"): f"{base}/changelog.md"},
            {words.text("downloads"): f"{base}/downloads.md"},
        ]})
    if programmes:
        nav.append({site.text("nav_programmes"): section})
    folders = {"training": site.text("nav_training_guides"), "goals": site.text("nav_goal_formats")}
    groups: dict[str, list[Any]] = {}
    for path, title in sorted(guides, key=lambda g: (g[0].count("/"), g[0])):
        folder = path.split("/")[0] if "/" in path else ""
        label = folders.get(folder, folder.replace("-", " ").capitalize())
        groups.setdefault(inert(label), []).append({str(inert(title)): path})
    for label, entries in groups.items():
        if label:
            nav.append({str(label): entries})
        else:
            nav.extend(entries)
    return nav
