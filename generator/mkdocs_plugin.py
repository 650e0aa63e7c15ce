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

from .csp import with_policy
from .offline import SITE_ZIP, write_search_script, write_site_zip
from .pages import CATALOGUE_MARKER
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
        content, problems = load_site(self.project, drafts=drafts, pdfs=self.pdfs)
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
        self.contents: dict[str, str] = {}
        if self.pdfs:  # start rendering now, in worker processes, while MkDocs does its work
            from .workbook import start_pdfs

            self.pending = start_pdfs(self.project, content.programmes)
            self.pending.stop_on_terminate()
        return config

    def on_files(self, files: Files, config) -> Files:
        for path, markdown in self.content.pages.items():
            files.append(File.generated(config, path, content=markdown))
        files.append(File.generated(config, SITE_ZIP, content=b""))  # written in on_post_build
        if self.pending is not None:
            for pdf in self.pending.planned:  # placeholders keep link checks honest; filled in on_post_build
                files.append(File.generated(config, pdf.site_path, abs_src_path=str(pdf.folder / pdf.site_path))
                             if pdf in self.pending.cached else File.generated(config, pdf.site_path, content=b""))
        return files

    def on_page_markdown(self, markdown: str, page, config, files) -> str:
        return markdown.replace(CATALOGUE_MARKER, self.content.catalogue)

    def on_page_content(self, html: str, page, config, files) -> str:
        self.contents[page.file.src_uri] = html  # scripts in a page's own content are never trusted by its policy
        return html

    def on_post_page(self, output: str, page, config) -> str:
        return with_policy(output, self.contents.pop(page.file.src_uri, ""))

    def on_post_template(self, output_content: str, template_name: str, config) -> str:
        return with_policy(output_content) if template_name.endswith(".html") else output_content

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, config) -> None:
        if self.pending is not None:
            for pdf in self.pending.wait():
                if pdf in self.pending.cached:
                    continue  # MkDocs copied it already
                target = Path(config.site_dir) / pdf.site_path
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(pdf.folder / pdf.site_path, target)
        site_dir = Path(config.site_dir)
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
