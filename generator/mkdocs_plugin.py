"""Thin MkDocs adapter: translates MkDocs events into calls to the engine-neutral core.

Enabled in mkdocs.yml as ``plugins: [handbook]`` so ``mkdocs build``, ``mkdocs serve`` and
``mike`` work on the repository as it is. All real work lives in ``site`` and ``workbook``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from .labels import labels
from .offline import SITE_ZIP, name_search_results, write_search_script, write_site_zip
from .pages import CATALOGUE_MARKER, SITE_NAV_KEYS, nav_group
from .problems import format_problems, problems_to_json
from .project import Project
from .site import SiteContent, env_flag, load_site


class HandbookConfig(Config):
    drafts = c.Type(bool, default=False)
    pdfs = c.Type(bool, default=True)


class HandbookPlugin(BasePlugin[HandbookConfig]):
    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_config(self, config):
        self.project = Project(Path(config.config_file_path).resolve().parent)
        drafts = env_flag("HANDBOOK_DRAFTS", self.config.drafts)
        self.pdfs = env_flag("HANDBOOK_PDFS", self.config.pdfs and getattr(self, "command", "build") != "serve")
        content, problems = load_site(self.project, drafts=drafts, pdfs=self.pdfs,
                                      site_language=config.theme["language"] or "en",
                                      site_url=config.site_url or "http://127.0.0.1:8000/")
        if content is None:  # refuse before MkDocs cleans the site folder
            report = os.environ.get("HANDBOOK_PROBLEMS_FILE")  # set by `handbook build`, which prints them
            if report:
                Path(report).write_text(problems_to_json(problems), encoding="utf-8")
                raise PluginError("programme files have problems (listed below)")
            raise PluginError("programme files have problems:\n" + format_problems(problems))
        self.content: SiteContent = content
        config.nav = content.nav
        if not os.environ.get("MIKE_DOCS_VERSION") and "version" in config.extra:
            del config.extra["version"]  # the edition selector (and its versions.json) only in mike's editions
        self.pending = None
        if self.pdfs:  # start rendering now, in worker processes, while MkDocs does its work
            from .workbook import start_pdfs

            self.pending = start_pdfs(self.project, content.programmes)
        return config

    def on_files(self, files: Files, config) -> Files:
        for path, markdown in self.content.pages.items():
            files.append(File.generated(config, path, content=markdown))
        for path, data in self.content.files.items():
            files.append(File.generated(config, path, content=data))
        files.append(File.generated(config, SITE_ZIP, content=b""))  # written in on_post_build
        self.titles: dict[str, str] = {}
        if self.pending is not None:
            for pdf in self.pending.planned:  # placeholders keep link checks honest; filled in on_post_build
                files.append(File.generated(config, pdf.site_path, abs_src_path=str(pdf.folder / pdf.site_path))
                             if pdf in self.pending.cached else File.generated(config, pdf.site_path, content=b""))
        return files

    def on_nav(self, nav, config, files):
        """Remember the site's own entries (Home, Programmes...) so each page can show them in its language;
        previous/next links stay inside one programme (or one folder of guides)."""
        site = labels(self.project.theme_dir, config.theme["language"] or "en")
        keys = {site.text(key): key for key in SITE_NAV_KEYS}
        self.site_entries = [(item, keys[item.title]) for item in nav.items if item.title in keys]
        for page in nav.pages:
            group = nav_group(page.file.src_uri)
            if page.previous_page is not None and nav_group(page.previous_page.file.src_uri) != group:
                page.previous_page = None
            if page.next_page is not None and nav_group(page.next_page.file.src_uri) != group:
                page.next_page = None
        return nav

    def on_page_context(self, context, page, nav, config):
        if page.meta.get("title"):
            self.titles[page.url] = str(page.meta["title"])  # search results name the programme too
        language = page.meta.get("language") or config.theme["language"] or "en"
        words = labels(self.project.theme_dir, language)
        for item, key in getattr(self, "site_entries", []):  # pages are rendered one after another
            item.title = words.text(key)
        return context

    def on_page_markdown(self, markdown: str, page, config, files) -> str:
        language = page.meta.get("language")
        if language:  # read by theme/overrides/partials/language.html
            page.meta["material_language"] = self._material_language(str(language), config)
        toc = config.mdx_configs.get("toc")
        if isinstance(toc, dict) and toc.get("permalink"):  # each page is rendered with the config as it is now
            words = labels(self.project.theme_dir, str(language or config.theme["language"] or "en"))
            toc["permalink_title"] = words.text("permalink_title")
        return markdown.replace(CATALOGUE_MARKER, self.content.catalogue)

    @event_priority(-100)  # after the search plugin has written its index
    def _material_language(self, language: str, config) -> str:
        """Material's translation closest to a language tag (fr-CA -> fr, pt-BR -> pt-BR), else the site's."""
        cache = self.__dict__.setdefault("_languages", {})
        if language not in cache:
            from jinja2 import TemplateNotFound

            env = config.theme.get_env()
            parts = language.split("-")
            candidates = [language, "-".join([parts[0].lower(), *parts[1:]]), parts[0].lower()]
            cache[language] = config.theme["language"]
            for name in dict.fromkeys(candidates):
                try:
                    env.get_template(f"partials/languages/{name}.html")
                except TemplateNotFound:
                    continue
                cache[language] = name
                break
        return cache[language]

    def on_post_build(self, config) -> None:
        if self.pending is not None:
            for pdf in self.pending.wait():
                if pdf in self.pending.cached:
                    continue  # MkDocs copied it already
                target = Path(config.site_dir) / pdf.site_path
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(pdf.folder / pdf.site_path, target)
        site_dir = Path(config.site_dir)
        name_search_results(site_dir, getattr(self, "titles", {}))
        write_search_script(site_dir)  # search from disk (file://)
        if getattr(self, "command", "build") != "serve":
            write_site_zip(site_dir)

    def on_build_error(self, error) -> None:
        if getattr(self, "pending", None) is not None:
            self.pending.cancel()

    def on_serve(self, server, config, builder):
        for folder in (self.project.programs_dir, self.project.root / "theme"):
            if folder.is_dir():
                server.watch(str(folder))
        return server
