"""One build of the handbook, engine-neutral: what a site engine's adapter calls, in order.

    session = BuildSession(project, settings)
    session.prepare()                    # validate everything, render pages, start the PDFs
    session.nav, session.generated_files()
    session.page_markdown(md)            # per page, before the engine renders it
    session.localise_nav(items, meta, palette)  # per page, the site's own words in its language
    session.finish_page(path, output, content)  # per page as written: adds its CSP
    session.check_links(site_dir)        # engines without link checks of their own: broken links, anchors
    session.finish(site_dir)             # PDFs into the site; or session.cancel() on failure

The MkDocs plugin only translates MkDocs events into these calls; another engine (Zensical)
gets an adapter of its own, not a rewrite. Nothing here imports an engine.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .csp import with_policy
from .labels import closest_language, labels
from .linkcheck import check_site
from .offline import MATERIAL_SEARCH, SITE_ZIP, name_search_results, write_scoped_indexes, write_search_script, write_site_zip
from .pages import CATALOGUE_MARKER, SITE_NAV_KEYS, nav_group, page_url
from .problems import Problem, format_problems, problems_to_json
from .project import Project
from .settings import Settings, SettingsError
from .site import SiteContent, load_site, problem_content

# the generated pages and navigation of the last good preview (one engine process): while the
# programmes have problems, the problem page stands in for each of those pages
_LAST: dict[str, Any] = {"pages": [], "nav": None}


class InputProblems(Exception):
    """The programmes or guides have problems; nothing may be built (the output is left alone)."""

    def __init__(self, problems: list[Problem], *, reported: bool) -> None:
        self.problems = problems
        super().__init__("programme files have problems (listed below)" if reported else
                         "programme files have problems:\n" + format_problems(problems))


NOT_STARTED = (SettingsError, InputProblems)  # what BuildSession.start raises for the adapter to report

# the theme's previous/next links at the foot of a page (no link nests inside another)
_FOOTER_LINK = re.compile(r'<a\s[^>]*class="md-footer__link[^"]*"[^>]*>.*?</a\s*>', re.DOTALL)
_HREF = re.compile(r'href="([^"]*)"')


def _first_url(entry: Any) -> str:
    """The URL of the first page under a navigation entry."""
    while getattr(entry, "children", None):
        entry = entry.children[0]
    return str(getattr(entry, "url", "") or "")


def _search_scope(url: str, output: str) -> str:
    """A programme's page names its programme for the search (offline.js loads that programme's index)."""
    group = nav_group(url)
    if not group or "<head>" not in output:
        return output
    meta = f'<meta name="handbook:search-scope" content="{group.split("/", 1)[1]}">'
    return output.replace("<head>", "<head>" + meta, 1)


def _neighbours_within(url: str, output: str) -> str:
    """Previous/next links stay inside one programme: a link into another part of the site is dropped."""
    from posixpath import normpath
    from urllib.parse import urljoin

    group = nav_group(url)

    def keep(m: re.Match) -> str:
        href = _HREF.search(m.group(0))
        target = normpath(urljoin("/" + url, href.group(1) if href else "")).lstrip("/")
        return m.group(0) if nav_group(target + "/") == group else ""

    return _FOOTER_LINK.sub(keep, output)


@dataclass(frozen=True)
class GeneratedFile:
    """A file of the site that no source file holds: a page's Markdown, or a PDF."""

    path: str  # inside the site, e.g. programs/x/index.md
    content: str | bytes | None = None  # a generated page's Markdown; b"" for a PDF still being rendered
    source: str | None = None  # or a finished file to copy (a cached PDF)


class BuildSession:
    @classmethod
    def start(cls, root: Path, site_language: str = "en", **defaults) -> "BuildSession":
        """A prepared session for the project at ``root``: settings from the environment over ``defaults``."""
        settings = Settings.from_environment(**defaults)
        session = cls(Project(root.resolve(), settings.cache), settings, site_language)
        session.prepare()
        return session

    def __init__(self, project: Project, settings: Settings, site_language: str = "en") -> None:
        self.project = project
        self.settings = settings
        self.site_language = site_language
        self.interface_languages: set[str] = set()  # the theme's own translations (the adapter says which)
        self.search = MATERIAL_SEARCH  # where the theme's search index is (the adapter says, if elsewhere)
        self.content: SiteContent | None = None
        self.pending = None
        self._site_entries: list | None = None
        self._programme_entries: list = []

    # ------------------------------------------------------------ before the engine starts

    def prepare(self) -> None:
        """Validate every programme and guide (raises InputProblems), render the pages, start the PDFs."""
        # a preview lists the PDFs too: handbook serve renders one when its link is followed
        content, problems = load_site(self.project, drafts=self.settings.drafts,
                                      pdfs=self.settings.renders_pdfs or self.settings.preview,
                                      only=self.settings.programme_ids, site_language=self.site_language,
                                      site_url=self.settings.site_url or "http://127.0.0.1:8000/")
        if content is None and self.settings.preview:  # show the problems in the browser, at every page
            self.content = problem_content(self.project, problems, set(_LAST["pages"]), _LAST["nav"])
            return
        if content is None:
            report = self.settings.problems_file
            if report is not None:  # `handbook build` prints them itself
                report.write_text(problems_to_json(problems), encoding="utf-8")
            raise InputProblems(problems, reported=report is not None)
        self.content = content
        _LAST.update(pages=list(content.pages), nav=content.nav)
        if self.settings.renders_pdfs:  # rendered in worker processes while the engine writes the pages
            from .workbook import start_pdfs

            self.pending = start_pdfs(self.project, content.programmes, settings=self.settings)
            self.pending.stop_on_terminate()

    @property
    def nav(self) -> list[dict[str, Any]]:
        assert self.content is not None
        return self.content.nav

    @property
    def watched(self) -> list[Path]:
        """Folders whose changes call for a new session (live preview)."""
        return [folder for folder in (self.project.programs_dir, *self.project.theme.layers) if folder.is_dir()]

    def site_dirs(self, dirs: list[str]) -> list[str]:
        """The site engine's template folders, with the packaged Material overrides wired in."""
        return self.project.theme.site_dirs(dirs, self.project.root)

    def adjust_theme(self, dirs: list[str], extra: dict) -> None:
        """The engine's template folders with the theme's overrides wired in (the repository's, then
        the package's); the edition selector (and its versions.json) only in mike's editions."""
        dirs[:] = self.site_dirs(dirs)
        self.interface_languages = {p.stem for folder in dirs  # the theme's own translations (Material's)
                                    for p in Path(folder, "partials", "languages").glob("*.html")}
        if not self.settings.mike_version:
            extra.pop("version", None)

    @property
    def template_cache(self):
        """Where the engine may keep its compiled templates (Jinja bytecode, keyed by each template's source)."""
        from .render import template_cache

        return template_cache()

    def generated_files(self) -> list[GeneratedFile]:
        assert self.content is not None
        files = [GeneratedFile(path, content=markdown) for path, markdown in self.content.pages.items()]
        files += [GeneratedFile(path, content=data) for path, data in self.content.files.items()]  # calendars
        files.append(GeneratedFile(SITE_ZIP, content=b""))  # written by finish()
        if self.settings.preview and self.content.problems is None:  # rendered on demand by handbook serve
            from .workbook import planned_paths

            files += [GeneratedFile(path, content=b"") for path in planned_paths(self.project, self.content.programmes)]
        if self.pending is not None:
            for pdf in self.pending.planned:  # placeholders keep the engine's link checks honest
                if pdf in self.pending.cached:
                    files.append(GeneratedFile(pdf.site_path, source=str(pdf.folder / pdf.site_path)))
                else:
                    files.append(GeneratedFile(pdf.site_path, content=b""))  # filled in by finish()
        return files

    # ------------------------------------------------------------ page by page

    def page_markdown(self, markdown: str, meta: dict | None = None, toc: dict | None = None) -> str:
        """A page's Markdown before the engine renders it; a programme page's ``meta`` learns which of the
        theme's translations its interface uses (closest to its language, else the site's), and the
        Markdown ``toc`` options get the permanent-link title in the page's language."""
        assert self.content is not None
        meta = meta if meta is not None else {}
        if meta.get("language"):
            meta["material_language"] = closest_language(str(meta["language"]), self.interface_languages,
                                                         self.site_language)
        if isinstance(toc, dict) and toc.get("permalink"):  # each page is rendered with the options as they are now
            toc["permalink_title"] = self._words(meta).text("permalink_title")
        if self.content.problems is not None:
            return self.content.problems
        return markdown.replace(CATALOGUE_MARKER, self.content.catalogue)

    def localise_nav(self, items: list, meta: dict, palette: list | dict | None = None, url: str = "") -> None:
        """The navigation as the page at ``url`` shows it: the site's own entries (Home, Programmes, …)
        and the colour-scheme switch (``palette``: the theme's options, whose ``toggle.name`` says
        what a click switches to) in the words of the page's language; under Programmes, the
        Programmes page and only the programme the page belongs to (so no page carries the whole
        library in its menu). ``items`` are the engine's entries (``title``, ``children``, ``url``)."""
        if self._site_entries is None:  # first page: find them by their titles in the site's language
            site = labels(self.project.theme_dir, self.site_language)
            keys = {site.text(key): key for key in SITE_NAV_KEYS}
            self._site_entries = [(item, keys[item.title]) for item in items if item.title in keys]
            self._programme_entries = [(item, list(item.children or [])) for item, key in self._site_entries
                                       if key == "nav_programmes"]
        words = self._words(meta)
        for item, key in self._site_entries:  # pages are rendered one after another
            item.title = words.text(key)
        group = nav_group(url)
        for section, every in self._programme_entries:
            section.children = [entry for entry in every if not getattr(entry, "children", None)
                                or (group and nav_group(_first_url(entry)) == group)]
        for option in palette if isinstance(palette, list) else []:
            if isinstance(option, dict) and isinstance(option.get("toggle"), dict):  # slate switches back to light
                option["toggle"]["name"] = words.text("palette_light" if option.get("scheme") == "slate" else "palette_dark")

    def _words(self, meta: dict):
        return labels(self.project.theme_dir, str(meta.get("language") or self.site_language))

    def finish_page(self, path: str, output: str, content: str = "") -> str:
        """A page (or a theme template such as 404.html) as written, with its Content-Security-Policy.

        ``content`` is the page's own HTML (from its Markdown): a script in it is never trusted."""
        if not path.endswith((".md", ".html")):
            return output  # sitemap.xml and other non-pages
        url = page_url(path)
        return with_policy(_search_scope(url, _neighbours_within(url, output)), content)

    # ------------------------------------------------------------ after the engine

    def check_links(self, site_dir: Path, site_url: str | None = None) -> list[str]:
        """Every broken internal link or anchor of the pages the engine wrote, one message each naming
        the page (and the guide it came from) and the link; for engines that do not check them
        themselves. Files still to come (PDFs being rendered, the zip) count as there."""
        planned = {f.path for f in self.generated_files()}
        guides = self.project.guides_dir
        sources = {page_url(p.relative_to(guides).as_posix()) + "index.html": p.relative_to(self.project.root).as_posix()
                   for p in (guides.rglob("*.md") if guides.is_dir() else [])}
        messages = []
        for broken in check_site(site_dir, site_url, planned):
            source = sources.get(broken.page)
            messages.append(f"{source} ({broken.page})" + str(broken)[len(broken.page):] if source else str(broken))
        return messages

    def finish(self, site_dir: Path) -> None:
        """Put the PDFs still being rendered into the site; search from disk; the whole handbook as a zip."""
        if self.pending is not None:
            for pdf in self.pending.wait():
                if pdf in self.pending.cached:
                    continue  # the engine copied it already
                target = site_dir / pdf.site_path
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(pdf.folder / pdf.site_path, target)
        name_search_results(site_dir, self.page_titles(), self.search)  # "Training · Digital Leaders", not "Training"
        write_scoped_indexes(site_dir, lambda location: nav_group(page_url(location) if location else ""))
        write_search_script(site_dir, self.search)  # search from disk (file://); needs the engine's search index
        if not self.settings.preview:
            write_site_zip(site_dir, self.settings.source_date_epoch)

    def page_titles(self) -> dict[str, str]:
        """URL -> title of every generated page (its front matter names the programme)."""
        assert self.content is not None
        titles = {}
        for path, markdown in self.content.pages.items():
            end = markdown.find("\n---\n", 3) if markdown.startswith("---\n") else -1
            front = yaml.safe_load(markdown[4:end]) if end > 0 else None
            if isinstance(front, dict) and front.get("title"):
                titles[page_url(path)] = str(front["title"])
        return titles

    def cancel(self) -> None:
        if self.pending is not None:
            self.pending.cancel()
