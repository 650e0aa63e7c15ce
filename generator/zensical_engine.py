"""Zensical adapter: the one module that knows Zensical (https://zensical.org).

Zensical runs no MkDocs plugins, so this adapter does in its own process what the MkDocs plugin
does inside MkDocs, with the same engine-neutral ``BuildSession``:

1. ``session.prepare()`` validates, renders the pages and starts the PDF workers;
2. a work folder (kept in the cache, so Zensical's own cache makes rebuilds fast) receives a
   ``docs/`` folder = the guides + the generated pages (each through ``session.page_markdown``)
   and a ``mkdocs.yml`` for Zensical: ours, with the session's navigation, without our plugin;
3. ``zensical build`` runs on it as a command (its command line and configuration file only, so a
   later version drops in);
4. every page it wrote goes through ``session.finish_page`` (Content-Security-Policy), the
   finished site is moved to the folder ``handbook build`` asked for and ``session.finish`` puts
   the PDFs in.

Run by ``handbook build --engine zensical`` (``python -m generator.zensical_engine build --site-dir
STAGING``) inside the same atomic staging, lock, cache and signal handling as MkDocs.
"""

from __future__ import annotations

import argparse
import functools
import base64
import hashlib
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from .offline import SearchIndex
from .project import Project
from .session import BuildSession, InputProblems
from .settings import Settings, SettingsError

# what Zensical cannot do yet (README: "Site engines"); printed once per build and preview
NOTICE = ("notice: Zensical builds: links and anchors checked by the handbook (not MkDocs' strict mode); "
          "no mike editions (handbook publish uses MkDocs) and no Material template overrides; "
          "see README, 'Site engines'")
PUBLISH_NOTICE = ("notice: handbook publish builds every edition with MkDocs + Material and mike, whatever --engine "
                  "says: Zensical 0.0.73 has no versioning mike can drive; see README, 'Site engines'")
# Zensical's search index; its bundle loads search.js (``var __index``) instead when read from file://
SEARCH = SearchIndex(index="search.json", script="search.js", entries="items")
_ARTICLE = re.compile(r"<article\b[^>]*>.*?</article\s*>", re.IGNORECASE | re.DOTALL)


def zensical_command() -> list[str]:
    """Zensical's command line, the one installed beside us."""
    beside = Path(sys.executable).parent / "zensical"
    return [str(beside)] if beside.is_file() else ["zensical"]


def available() -> bool:
    return (Path(sys.executable).parent / "zensical").is_file() or shutil.which("zensical") is not None


class _Loader(yaml.SafeLoader):
    """Reads our mkdocs.yml: ``!ENV [NAME, default]`` becomes its default (settings carry the real value)."""


def _env_tag(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.SequenceNode):
        values = loader.construct_sequence(node)
        return values[-1] if len(values) > 1 else None
    return None


_Loader.add_constructor("!ENV", _env_tag)


def work_dir(project: Project, key: str) -> Path:
    """Zensical's project folder for one output (its docs/, site/, config and cache persist)."""
    return project.cache_dir / "zensical" / hashlib.sha256(key.encode()).hexdigest()[:16]


def _plain(value: Any) -> Any:
    """Navigation as YAML can write it: titles may be str subclasses (markupsafe's Markup, cohort names)."""
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value) if isinstance(value, str) else value


def engine_config(project: Project, session: BuildSession) -> dict[str, Any]:
    """Our mkdocs.yml, as Zensical reads it: the session's navigation, our theme overrides, no plugin."""
    config = yaml.load((project.root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader) or {}
    config["docs_dir"] = "docs"
    config["site_dir"] = "site"
    if session.settings.site_url:
        config["site_url"] = session.settings.site_url
    theme = dict(config.get("theme") or {})
    if theme.get("custom_dir"):
        theme["custom_dir"] = "overrides"  # see write_project: our assets, not Material's template overrides
    config["theme"] = theme
    # MkDocs' own checks and our plugin do not exist in Zensical; search is built in
    for key in ("strict", "validation"):
        config.pop(key, None)
    plugins = [p for p in config.get("plugins") or [] if (p if isinstance(p, str) else next(iter(p))) == "search"]
    config["plugins"] = plugins
    config["nav"] = _plain(session.nav)
    if not session.settings.mike_version:  # as with MkDocs: the edition selector only in mike's editions
        (config.get("extra") or {}).pop("version", None)
    return config


def _write_if_changed(path: Path, data: bytes) -> None:
    """Unchanged files keep their modification time, so Zensical's cache skips them."""
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _sync(folder: Path, wanted: dict[str, bytes]) -> None:
    """``folder`` holds exactly ``wanted`` (relative path -> bytes); unchanged files are not touched."""
    for rel, data in wanted.items():
        _write_if_changed(folder / rel, data)
    if folder.is_dir():  # files that are gone (a programme removed)
        for path in sorted(folder.rglob("*"), reverse=True):
            rel = path.relative_to(folder).as_posix()
            if path.is_file() and rel not in wanted:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    folder.mkdir(parents=True, exist_ok=True)


def write_project(project: Project, session: BuildSession, work: Path) -> list[tuple[str, str]]:
    """docs/ and mkdocs.yml of Zensical's project; returns the finished files to copy in afterwards
    (cached PDFs), as (site path, source)."""
    docs = work / "docs"
    wanted: dict[str, bytes] = {}
    guides = project.guides_dir
    for path in sorted(guides.rglob("*")) if guides.is_dir() else []:
        if path.is_file():
            rel = path.relative_to(guides).as_posix()
            data = path.read_bytes()
            if rel.endswith(".md"):
                data = session.page_markdown(data.decode("utf-8")).encode("utf-8")
            wanted[rel] = data
    copies: list[tuple[str, str]] = []
    for generated in session.generated_files():
        if generated.source is not None:
            copies.append((generated.path, generated.source))
        elif isinstance(generated.content, str):
            wanted[generated.path] = session.page_markdown(generated.content).encode("utf-8")
        elif generated.content:  # a generated file such as a cohort's calendar
            wanted[generated.path] = generated.content
        # b"": a PDF still being rendered; session.finish() puts it into the site
    _sync(docs, wanted)
    # theme overrides: our stylesheets and scripts; template overrides (*.html) are written against
    # Material's templates, and Zensical has templates of its own, so they are left out
    overrides: dict[str, bytes] = {}
    custom = (yaml.load((project.root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader) or {}).get(
        "theme", {}).get("custom_dir")
    source = project.root / custom if custom else None
    for path in sorted(source.rglob("*")) if source is not None and source.is_dir() else []:
        if path.is_file() and path.suffix != ".html":
            overrides[path.relative_to(source).as_posix()] = path.read_bytes()
    _sync(work / "overrides", overrides)
    config = yaml.safe_dump(engine_config(project, session), sort_keys=False, allow_unicode=True)
    _write_if_changed(work / "mkdocs.yml", config.encode("utf-8"))
    return copies


# Zensical's search dialog lives in a shadow root with a stylesheet its bundle writes inline:
# ``root.appendChild(C("style", {}, NAME.toString()))`` with ``NAME='…css…'`` elsewhere in the bundle
_STYLE_USE = re.compile(r'\("style",\{\},(\w+)\.toString\(\)\)')


def theme_style_hashes(site: Path) -> list[str]:
    """'sha256-…' of the inline stylesheets Zensical's own bundle injects (read from the bundle we ship,
    so the policy allows exactly those and nothing else)."""
    hashes: list[str] = []
    for bundle in sorted((site / "assets" / "javascripts").glob("*.js")):
        js = bundle.read_text(encoding="utf-8", errors="ignore")
        for use in _STYLE_USE.finditer(js):
            found = re.search(r"[,\s;]" + re.escape(use.group(1)) + r"""=(['"`])((?:\\.|(?!\1).)*)\1""", js, re.DOTALL)
            if found is None:
                continue
            raw = found.group(2)
            text = raw.encode("latin-1", "backslashreplace").decode("unicode_escape") if "\\" in raw else raw
            source = "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"
            if source not in hashes:
                hashes.append(source)
    return hashes


def finish_html(session: BuildSession, rel: str, html: str, styles: str) -> str:
    """One page Zensical wrote (or served), with its Content-Security-Policy: scripts in the page's
    own content, its <article>, are never trusted; the theme's own injected styles are allowed by hash."""
    html = session.finish_page(rel, html, "".join(_ARTICLE.findall(html)))
    if styles:
        html = html.replace("; style-src 'self';", f"; style-src 'self' {styles};", 1)
    return html


def finish_pages(session: BuildSession, site: Path) -> int:
    """Every HTML page Zensical wrote, finished (``finish_html``). Returns the number of pages."""
    styles = " ".join(theme_style_hashes(site))
    count = 0
    for page in sorted(site.rglob("*.html")):
        html = finish_html(session, page.relative_to(site).as_posix(), page.read_text(encoding="utf-8"), styles)
        page.write_text(html, encoding="utf-8")
        count += 1
    return count


def check_links(project: Project, session: BuildSession, site: Path, *, strict: bool) -> bool:
    """Zensical checks Markdown links to pages and anchors only (not links in HTML, to folders, files or
    images): ours run on every page it wrote. Each broken link or anchor is an error (a warning
    without --strict); False when the build must stop."""
    started = time.perf_counter()
    broken = session.check_links(site, engine_config(project, session).get("site_url"))
    level = "ERROR" if strict else "WARNING"
    for message in broken:
        print(f"{level} - broken link: {message}", file=sys.stderr)
    print(f"INFO - links and anchors checked in {time.perf_counter() - started:.2f} s", file=sys.stderr)
    if broken and strict:
        print(f"ERROR - {len(broken)} broken link(s) or anchor(s) (listed above)", file=sys.stderr)
        return False
    return True


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_ISSUES = re.compile(r"^(\d+) issues? found")


def _run(command: list[str], cwd: Path) -> tuple[int, int]:
    """Run Zensical; its log goes to ours (without colours unless we write to a terminal). Returns
    its exit code and the number of issues it reported. SIGTERM stops it (and the caller's PDF workers)."""
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, encoding="utf-8", errors="replace", bufsize=1)
    colours = sys.stderr.isatty()
    issues = 0
    try:
        assert process.stdout is not None
        for line in process.stdout:
            plain = _ANSI.sub("", line)
            found = _ISSUES.match(plain)
            if found:
                issues = int(found.group(1))
            sys.stderr.write(line if colours else plain)
        return process.wait(), issues
    except BaseException:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        raise


def new_session(project: Project, settings: Settings) -> BuildSession:
    session = BuildSession(project, settings)
    session.search = SEARCH
    return session


def build(project: Project, settings: Settings, target: Path, *, strict: bool = True) -> int:
    session = new_session(project, settings)
    try:
        session.prepare()
    except InputProblems as exc:
        print(f"ERROR - {exc}", file=sys.stderr)
        return 1
    try:
        print(NOTICE, file=sys.stderr)
        work = work_dir(project, str(settings.output or target))
        copies = write_project(project, session, work)
        site = work / "site"
        shutil.rmtree(site, ignore_errors=True)
        # not --strict: Zensical would stop at its first warnings with a traceback and before our
        # link check; its issues (it checks Markdown links to pages and anchors) count after ours
        code, issues = _run([*zensical_command(), "build", "-f", str(work / "mkdocs.yml")], work)
        if code != 0 or not (site / "index.html").is_file():
            print("ERROR - zensical build failed (its log is above)", file=sys.stderr)
            session.cancel()
            return 1
        finish_pages(session, site)
        for rel, source in copies:
            (site / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, site / rel)
        links_ok = check_links(project, session, site, strict=strict)
        if strict and issues:
            print(f"ERROR - zensical reported {issues} issue(s) (above)", file=sys.stderr)
        if strict and (issues or not links_ok):
            session.cancel()
            return 1
        target.mkdir(parents=True, exist_ok=True)
        for entry in site.iterdir():  # into the staging folder handbook build made (same file system or not)
            shutil.move(str(entry), str(target / entry.name))
        session.finish(target)
    except BaseException:
        session.cancel()
        raise
    return 0


def _signature(project: Project) -> str:
    digest = hashlib.sha256()
    for folder in (project.programs_dir, project.guides_dir, *project.theme.layers):
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file():
                info = path.stat()
                digest.update(f"{path}:{info.st_size}:{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def serve(project: Project, settings: Settings, addr: str) -> int:
    """Live preview: Zensical serves and reloads; we rewrite its docs/ when a programme, guide or
    theme file changes (problems become a page in the browser, as with MkDocs). ``zensical serve``
    sends the pages it writes without our per-page pass, so it listens on a private port and our
    front door (generator/preview_proxy.py) at ``addr`` gives every page its policy on the way,
    including the hash of the live-reload script Zensical adds to each page it serves."""
    from . import preview_proxy

    work = work_dir(project, "serve:" + addr)
    current = [new_session(project, settings)]
    current[0].prepare()
    print(NOTICE, file=sys.stderr)
    write_project(project, current[0], work)
    styles = [""]

    def finish(rel: str, html: str) -> str:
        if not styles[0]:  # until Zensical's first build has written its bundle
            styles[0] = " ".join(theme_style_hashes(work / "site"))
        return finish_html(current[0], rel, html, styles[0])

    seen = _signature(project)
    private = ("127.0.0.1", preview_proxy.free_port())
    from .workbook import preview_pdf

    front = preview_proxy.serve(addr, private, finish,
                                preview_proxy.pdfs_on_demand(functools.partial(preview_pdf, project, settings)))
    process = subprocess.Popen([*zensical_command(), "serve", "-f", str(work / "mkdocs.yml"),
                                "-a", f"{private[0]}:{private[1]}"], cwd=work)
    print(f"INFO - serving the preview on http://{addr}/", file=sys.stderr)
    try:
        while process.poll() is None:
            time.sleep(0.5)
            now = _signature(project)
            if now != seen:
                seen = now
                session = new_session(project, settings)
                session.prepare()
                write_project(project, session, work)
                current[0] = session
        return process.returncode
    finally:
        front.shutdown()
        front.server_close()
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.zensical_engine")
    verbs = parser.add_subparsers(dest="verb", required=True)
    b = verbs.add_parser("build")
    b.add_argument("--site-dir", required=True)
    b.add_argument("--strict", action="store_true")
    s = verbs.add_parser("serve")
    s.add_argument("--addr", default="127.0.0.1:8000")
    args = parser.parse_args(argv)

    def stop(signum, frame):  # handbook build stops us with SIGTERM: stop Zensical and the PDF workers
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        settings = Settings.from_environment()
    except SettingsError as exc:
        print(f"ERROR - {exc}", file=sys.stderr)
        return 2
    project = Project(Path.cwd().resolve(), settings.cache)
    try:
        if args.verb == "build":
            return build(project, settings, Path(args.site_dir), strict=args.strict)
        return serve(project, settings, args.addr)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
