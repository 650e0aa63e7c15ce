"""Thin MkDocs adapter: each MkDocs event becomes one call on the engine-neutral ``BuildSession``."""

from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File

from .session import NOT_STARTED, BuildSession


class HandbookPlugin(BasePlugin):
    config_scheme = (("drafts", c.Type(bool, default=False)), ("pdfs", c.Type(bool, default=True)))
    session = None  # until on_config has started one

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"  # a live preview: problems shown as a page, no PDFs

    def on_config(self, config):
        try:  # settings from the environment over the plugin's options; validation before MkDocs cleans anything
            self.session = BuildSession.start(Path(config.config_file_path).parent, config.theme["language"] or "en",
                                              drafts=self.config["drafts"], pdfs=self.config["pdfs"],
                                              preview=getattr(self, "serving", False))
        except NOT_STARTED as exc:
            raise PluginError(str(exc)) from None
        config.nav = self.session.nav
        config.watch.extend(str(folder) for folder in self.session.watched)  # live preview
        self.session.adjust_theme(config.theme.dirs, config.extra)  # overrides, translations, edition selector
        return config

    def on_env(self, env, config, files):  # the theme's templates compiled once, not at every preview rebuild
        env.bytecode_cache = self.session.template_cache
        return env

    def on_files(self, files, config):
        for f in self.session.generated_files():
            files.append(File.generated(config, f.path, content=f.content, abs_src_path=f.source))
        return files

    def on_page_markdown(self, markdown, page, config, files):  # sets meta material_language (language.html)
        return self.session.page_markdown(markdown, page.meta, config.mdx_configs.get("toc"))

    def on_page_context(self, context, page, nav, config):
        self.session.localise_nav(nav.items, page.meta, config.theme["palette"], page.url)  # its part, its words
        return context

    def on_post_page(self, output, page, config):
        return self.session.finish_page(page.file.src_uri, output, page.content or "")

    def on_post_template(self, output_content, template_name, config):
        return self.session.finish_page(template_name, output_content)

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, config) -> None:
        self.session.finish(Path(config.site_dir))

    def on_build_error(self, error) -> None:
        if self.session is not None: self.session.cancel()  # noqa: E701 (one event, one call)
