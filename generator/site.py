"""The site step, engine-neutral: which programmes go in, which pages and navigation come out.

Used by the MkDocs adapter (``mkdocs_plugin``); knows nothing about MkDocs itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cohorts import calendar_files
from .guides import check_guides, guide_files
from .model import Programme
from .pages import CATALOGUE_PAGE, catalogue, catalogue_page, navigation, programme_pages
from .problems import Problem, has_errors
from .project import Project
from .validate import load_programmes


@dataclass
class SiteContent:
    programmes: list[Programme]
    pages: dict[str, str] = field(default_factory=dict)
    nav: list[dict[str, Any]] = field(default_factory=list)
    catalogue: str = ""
    problems: str | None = None  # a live preview's problem page: shown instead of every page
    files: dict[str, bytes] = field(default_factory=dict)  # other generated files (cohort calendars)


def guide_pages(guides_dir: Path, root: Path | None = None) -> list[tuple[str, str]]:
    """(path, title) of every publishable hand-written page except the home page; title = first heading."""
    found = []
    pages, _ = guide_files(guides_dir, root)
    for path in pages:
        rel = path.relative_to(guides_dir).as_posix()
        if rel == "index.md" or rel.startswith("programs/"):
            continue
        match = re.search(r"^#\s+(.+?)\s*#*\s*$", path.read_text(encoding="utf-8"), re.MULTILINE)
        found.append((rel, match.group(1) if match else path.stem.replace("-", " ").capitalize()))
    return found


def problem_content(project: Project, problems: list[Problem], pages: set[str],
                    nav: list[dict[str, Any]] | None = None) -> SiteContent:
    """What a live preview shows while the programmes have problems: the list, wherever the reader is."""
    from .render import environment, labels
    from .sanitize import inert

    words = labels(project.theme)
    text = environment(project.theme).get_template("pages/problems.md.j2").render(
        L=words, problems=[{"where": inert(f"{p.file}:{p.line}:{p.column or 1}" if p.line else p.file), "message": inert(p.message),
                            "hint": inert(p.hint), "severity": p.severity} for p in sorted(problems)])
    content = SiteContent(programmes=[], catalogue=text, problems=text)
    for path in pages:
        content.pages[path] = text
    # the last good navigation (or the guides'), so every page the reader may be on still exists
    content.nav = nav or navigation([], guide_pages(project.guides_dir, project.root))
    return content


def select(programmes: list[Programme], drafts: bool) -> list[Programme]:
    return [p for p in programmes if drafts or p.status == "published"]


def load_site(project: Project, *, drafts: bool, pdfs: bool = True,
              site_language: str = "en", only: tuple[str, ...] = (),
              site_url: str = "http://127.0.0.1:8000/") -> tuple[SiteContent | None, list[Problem]]:
    """Validate every programme (or ``only`` those, for a quick preview); on any problem return None
    so nothing half-built is written.

    ``site_language`` is the language of the home page, the guides and the navigation around the
    programmes; each programme's own pages are in its language."""
    paths = [project.programs_dir / f"{pid}.yaml" for pid in only] or [project.programs_dir]
    loaded, problems = load_programmes(paths, guides_dir=project.guides_dir, root=project.root)
    problems += check_guides(project.guides_dir, project.root)
    if has_errors(problems):
        return None, problems
    programmes = select([item.programme for item in loaded if item.programme], drafts)
    content = SiteContent(programmes=programmes)
    for prog in programmes:
        content.pages.update(programme_pages(prog, project.theme_dir, pdfs=pdfs))
        content.files.update(calendar_files(prog, site_url, project.theme_dir))
    content.nav = navigation(programmes, guide_pages(project.guides_dir, project.root), project.theme_dir, site_language)
    content.catalogue = catalogue(programmes, project.theme_dir, site_language)
    if programmes:
        content.pages[CATALOGUE_PAGE] = catalogue_page(programmes, project.theme_dir, site_language)
    return content, problems
