"""Workbooks: programme -> print HTML (Jinja2 templates in theme/workbook) -> PDF (WeasyPrint).

Four kinds of document per programme: a workbook and a pack of session sheets for every
participant role, one facilitator guide and one coordinator's pack. PDFs are cached by content hash and rendered in
worker processes (one task per process, so WeasyPrint's memory goes back to the OS).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import multiprocessing
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from . import __version__
from . import participation
from .labels import Labels
from .model import Programme, Role
from .pages import downloads
from .pdf import WORKER_PRELOAD, verified, write_pdf, write_task  # noqa: F401  (write_pdf is part of this module's API)
from .project import Project
from .render import (agenda_rows, builtin_goal_example, environment, goal_fields, page_words, programme_context,
                     session_week, training_rows)
from .settings import Settings
from .theme import Theme

PAPER = {"a4": "A4", "letter": "letter"}


@dataclass(frozen=True)
class Job:
    programme: Programme
    kind: str  # workbook | session-sheets | facilitator-guide | coordinator-pack
    role_id: str | None
    filename: str  # site path, e.g. programs/x/downloads/x-role-workbook.pdf
    guides: tuple[tuple[str, str], ...] = ()  # (path under guides/, title) of the guides it cites


@dataclass(frozen=True)
class BuiltPdf:
    folder: Path  # cache folder that holds site_path
    site_path: str


def edition_date(prog: Programme, fixed: dt.date | None = None) -> dt.date:
    """The date printed on a document: ``fixed`` (Settings.edition_date) if set, else the current version's changelog date."""
    if fixed is not None:
        return fixed
    for change in prog.changelog:
        if change.version == prog.version:
            return change.date
    return dt.date.today()


def jobs_for(prog: Programme, guide_titles: dict[str, str] | None = None) -> list[Job]:
    """One job per document the downloads page links (the list lives in ``pages.downloads``)."""
    titles = guide_titles or {}
    cited = tuple(sorted((m.guide, titles[m.guide]) for m in prog.training if m.guide and m.guide in titles))
    return [Job(prog, item.kind, item.role_id, f"programs/{prog.id}/{item.filename}", cited) for item in downloads(prog)]


def guide_titles(guides_dir: Path) -> dict[str, str]:
    """Guides are cited in print by their title (first heading), never by their file path."""
    from .site import guide_pages

    return dict(guide_pages(guides_dir)) if guides_dir.is_dir() else {}


# ---------------------------------------------------------------- HTML

def _mention(view: participation.SessionView, role: Role, words: Labels) -> list[str]:
    """One line per other role: what they do this session (titles only, never their steps)."""
    lines = []
    for other in view.tasks:
        if other.role is None or other.role.id == role.id:
            continue
        titles = [ex.title for ex in other.exercises]
        if titles:
            lines.append(words.text("practises", role=words.lowered(other.title), titles=words.join(titles)))
        elif other.prep:
            lines.append(words.plural("prepares", len(other.prep), role=words.lowered(other.title)))
    return lines


def context(prog: Programme, kind: str, role_id: str | None, paper: str, theme_dir: Path,
            guides: dict[str, str] | None = None, edition: dt.date | None = None) -> dict[str, Any]:
    role = prog.role(role_id) if role_id else None
    common = programme_context(prog, theme_dir)
    words = common["L"]
    fmt = prog.goal_format
    sessions = []
    for s in prog.sessions:
        view = participation.session_view(prog, s, words)
        own = view.for_role(role.id) if role else None
        sessions.append({
            "s": s, "week": session_week(prog, s), "minutes": prog.session_minutes(s),
            "agenda": agenda_rows(prog, s, words),
            "prep": list(own.prep) if own else [],
            "exercises": list(own.exercises) if own else [],
            "mentions": _mention(view, role, words) if role else [],
            "by_role": list(view.tasks),
        })
    return {
        **common, "kind": kind, "role": role, "paper": PAPER[paper],
        "edition": edition_date(prog, edition).isoformat(),
        "edition_text": words.long_date(edition_date(prog, edition)),
        "sessions": sessions,
        "training": [{**row, "guide_title": _guide_title(row["m"].guide, guides or {})}
                     for row in training_rows(prog, role.id if role else None, words)],
        "outcomes": participation.outcomes_for(prog, role.id if role else None),
        "goal_fields": goal_fields(fmt, words),
        "goal_example": builtin_goal_example(fmt, words),
        "goal_owner": role is not None and participation.writes_goal(prog, role.id),
        "signatories": prog.participant_roles,
        "page_words": page_words(words),
        "checkins": participation.checkins_in(prog, kind, role.id if role else None, words),
        "generator": f"handbook {__version__}",
    }


def _guide_title(path: str | None, guides: dict[str, str]) -> str | None:
    if not path:
        return None
    return guides.get(path) or Path(path).stem.replace("-", " ").capitalize()


def render_html(prog: Programme, kind: str, role_id: str | None, theme_dir: Path, paper: str = "a4",
                guides: dict[str, str] | None = None, edition: dt.date | None = None) -> str:
    template = environment(theme_dir).get_template(f"workbook/{kind}.html.j2")
    return template.render(context(prog, kind, role_id, paper, theme_dir, guides, edition))


# ---------------------------------------------------------------- PDF

def _render_digest(theme: Theme) -> str:
    """What a PDF's look depends on besides the programme: print templates, labels and our code."""
    digest = hashlib.sha256(theme.digest("workbook", "labels").encode())
    code = Path(__file__).resolve().parent
    for path in sorted(code.glob("*.py")):
        digest.update(f"generator/{path.name}".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(job: Job, theme_digest: str, paper: str, edition: dt.date | None = None) -> str:
    payload = {
        "generator": __version__,
        "programme": job.programme.model_dump(mode="json", by_alias=True),
        "kind": job.kind, "role": job.role_id, "paper": paper, "theme": theme_digest,
        "edition": edition_date(job.programme, edition).isoformat(),
        "file": job.filename, "guides": job.guides,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:24]


def _html_tasks(todo: list[tuple[Job, Theme, str, str]], edition: dt.date | None):
    """HTML is rendered here (templates compiled once); workers only run WeasyPrint."""
    for job, theme, target, paper in todo:
        yield (render_html(job.programme, job.kind, job.role_id, theme, paper, dict(job.guides), edition),
               theme, target)


_WEIGHT = {"workbook": 3, "facilitator-guide": 2, "coordinator-pack": 2, "session-sheets": 1}


class PendingPdfs:
    """PDFs being rendered in worker processes while the caller goes on (e.g. MkDocs writes pages).

    ``planned`` lists every PDF of the build; ``cached`` those that needed no work. ``wait()``
    blocks until the rest are written and re-raises the first worker error.
    """

    def __init__(self, planned: list[BuiltPdf], cached: list[BuiltPdf], todo: list[tuple[Job, Theme, str, str]],
                 jobs: int, progress: Callable[[int, int, str], None], edition: dt.date | None = None) -> None:
        self.planned = planned
        self.cached = cached
        self._error: BaseException | None = None
        self._pool = None
        self._thread = None
        self._cancelled = False
        if todo:
            import threading

            # biggest documents first, so the last worker to finish is not stuck with a long one
            todo = sorted(todo, key=lambda task: _WEIGHT[task[0].kind], reverse=True)
            self._thread = threading.Thread(target=self._collect, args=(todo, jobs, progress, edition), daemon=True)
            self._thread.start()

    def _collect(self, todo, jobs, progress, edition) -> None:
        total = len(todo)
        try:
            # Workers fork from a small server process that preloads WeasyPrint; it is started
            # here, in the background, so the caller is not kept waiting while it boots.
            ctx = multiprocessing.get_context("forkserver" if sys.platform != "win32" else "spawn")
            if ctx.get_start_method() == "forkserver":
                ctx.set_forkserver_preload(WORKER_PRELOAD)
            self._pool = ctx.Pool(min(jobs, total), maxtasksperchild=1)
            if self._cancelled:
                self._pool.terminate()
                return
            progress(0, total, "")
            for i, done in enumerate(self._pool.imap_unordered(write_task, _html_tasks(todo, edition)), 1):
                progress(i, total, done)
        except BaseException as exc:  # surfaced by wait()
            self._error = exc

    def wait(self) -> list[BuiltPdf]:
        if self._thread is not None:
            self._thread.join()
            if self._pool is not None:
                self._pool.close()
                self._pool.join()
            self._thread = None
        if self._error is not None:
            raise self._error
        return self.planned

    def stop_on_terminate(self) -> None:
        """On SIGTERM, stop the workers (no half-written PDF keeps being written), then exit."""
        import signal

        def stop(signum, frame):
            self.cancel()
            raise SystemExit(128 + signum)

        try:
            signal.signal(signal.SIGTERM, stop)
        except ValueError:  # not the main thread
            pass

    def cancel(self) -> None:
        self._cancelled = True
        if self._pool is not None:
            self._pool.terminate()


def start_pdfs(project: Project, programmes: list[Programme], *, settings: Settings | None = None,
               progress: Callable[[int, int, str], None] | None = None) -> PendingPdfs:
    """Start rendering every PDF of every programme that is not in the cache yet."""
    settings = settings or Settings()
    paper, jobs, edition = settings.paper, settings.workers, settings.edition_date
    theme = project.theme
    digest = _render_digest(theme)
    cache = project.cache_dir / "pdf"
    planned: list[BuiltPdf] = []
    cached: list[BuiltPdf] = []
    todo: list[tuple[Job, Theme, str, str]] = []
    titles = guide_titles(project.guides_dir)
    for prog in programmes:
        for job in jobs_for(prog, titles):
            folder = cache / cache_key(job, digest, paper, edition)
            pdf = BuiltPdf(folder, job.filename)
            planned.append(pdf)
            target = folder / job.filename
            if verified(target):
                cached.append(pdf)
            else:
                todo.append((job, theme, str(target), paper))
    return PendingPdfs(planned, cached, todo, jobs, progress or functools.partial(_progress_bar, settings.progress_fd),
                       edition)


def planned_paths(project: Project, programmes: list[Programme]) -> list[str]:
    """The site paths of every PDF of these programmes (what a build writes)."""
    titles = guide_titles(project.guides_dir)
    return [job.filename for prog in programmes for job in jobs_for(prog, titles)]


_PREVIEWABLE = re.compile(r"programs/([a-z0-9]+(?:-[a-z0-9]+)*)/downloads/[A-Za-z0-9._-]+\.pdf")


def preview_pdf(project: Project, settings: Settings, site_path: str) -> Path | None:
    """One PDF, rendered now in this process when a live preview's reader asks for it (its
    Downloads page links every PDF); cached like a build's. None when the path names no PDF of a
    valid programme (the preview then answers as it would without us)."""
    from .validate import load_programmes

    match = _PREVIEWABLE.fullmatch(site_path)
    source = project.programs_dir / f"{match.group(1)}.yaml" if match else None
    if source is None or not source.is_file():
        return None
    loaded, _ = load_programmes([source], guides_dir=project.guides_dir, root=project.root)
    prog = loaded[0].programme if loaded else None
    job = next((j for j in jobs_for(prog, guide_titles(project.guides_dir)) if j.filename == site_path), None) \
        if prog is not None else None
    if job is None:
        return None
    paper, edition = settings.paper, settings.edition_date
    target = project.cache_dir / "pdf" / cache_key(job, _render_digest(project.theme), paper, edition) / job.filename
    if not verified(target):
        html = render_html(prog, job.kind, job.role_id, project.theme, paper, dict(job.guides), edition)
        write_pdf(html, target, project.theme)
    return target


def build_pdfs(project: Project, programmes: list[Programme], **options) -> list[BuiltPdf]:
    """Render every PDF of every programme and wait for them (unchanged ones come from the cache)."""
    return start_pdfs(project, programmes, **options).wait()


def _progress_bar(fd: int | None, done: int, total: int, name: str) -> None:
    width = 24
    filled = width * done // max(total, 1)
    label = Path(name).name if name else "starting"
    end = "\n" if done == total else ""
    stream = sys.stderr
    if fd is not None:
        try:
            stream = open(fd, "w", closefd=False)
        except OSError:
            stream = sys.stderr
    if stream.isatty():
        stream.write(f"\r  PDFs [{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label[:50]:<50}{end}")
    elif done == total or done == 0:
        stream.write(f"  PDFs: {done}/{total} rendered\n")
    stream.flush()
