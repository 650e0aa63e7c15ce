"""The site step, engine-neutral: which programmes go in, which pages and navigation come out.

Used by the MkDocs adapter (``mkdocs_plugin``); knows nothing about MkDocs itself.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cohorts import calendar_files
from .model import Programme
from .pages import catalogue, navigation, programme_pages
from .problems import Problem, has_errors
from .project import Project
from .validate import check_guides, load_programmes


@dataclass
class SiteContent:
    programmes: list[Programme]
    pages: dict[str, str] = field(default_factory=dict)
    nav: list[dict[str, Any]] = field(default_factory=list)
    catalogue: str = ""
    files: dict[str, bytes] = field(default_factory=dict)  # other generated files (cohort calendars)


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() not in ("0", "false", "no", "off")


def guide_pages(guides_dir: Path) -> list[tuple[str, str]]:
    """(path, title) of every hand-written page except the home page; title = first heading."""
    found = []
    for path in sorted(guides_dir.rglob("*.md")):
        rel = path.relative_to(guides_dir).as_posix()
        if rel == "index.md" or rel.startswith("programs/"):
            continue
        match = re.search(r"^#\s+(.+?)\s*#*\s*$", path.read_text(encoding="utf-8"), re.MULTILINE)
        found.append((rel, match.group(1) if match else path.stem.replace("-", " ").capitalize()))
    return found


def select(programmes: list[Programme], drafts: bool) -> list[Programme]:
    return [p for p in programmes if drafts or p.status == "published"]


def load_site(project: Project, *, drafts: bool, pdfs: bool = True,
              site_language: str = "en", site_url: str = "http://127.0.0.1:8000/",
              ) -> tuple[SiteContent | None, list[Problem]]:
    """Validate every programme; on any problem return None so nothing half-built is written.

    ``site_language`` is the language of the home page, the guides and the navigation around the
    programmes; each programme's own pages are in its language."""
    loaded, problems = load_programmes([project.programs_dir], guides_dir=project.guides_dir, root=project.root)
    problems += check_guides(project.guides_dir, project.root)
    if has_errors(problems):
        return None, problems
    programmes = select([item.programme for item in loaded if item.programme], drafts)
    content = SiteContent(programmes=programmes)
    for prog in programmes:
        content.pages.update(programme_pages(prog, project.theme_dir, pdfs=pdfs))
        content.files.update(calendar_files(prog, site_url, project.theme_dir))
    content.nav = navigation(programmes, guide_pages(project.guides_dir), project.theme_dir, site_language)
    content.catalogue = catalogue(programmes, project.theme_dir, site_language)
    return content, problems
