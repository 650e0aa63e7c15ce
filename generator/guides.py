"""Hand-written guides: which files may be published, and what their rendered pages may do.

Guides may link anywhere, but publishing one must never make a reader's browser run script or
fetch from another host, and never publish a file from outside the repository. Checked on the
files themselves (types, names, symlinks) and on the HTML the site's Markdown turns them into
(parsed, not pattern-matched on the Markdown), so nested lists, unclosed fences or reference
definitions cannot hide a payload.
"""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown as md
import yaml

from .problems import Problem, display_path
from .rules import problem

PAGE_SUFFIX = ".md"
ASSET_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".pdf"}
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
MAX_GUIDE_BYTES = 1_000_000

DEFAULT_EXTENSIONS: list[Any] = ["admonition", "attr_list", "md_in_html", "tables", "sane_lists", "toc",
                                 "pymdownx.details", "pymdownx.superfences", "pymdownx.tabbed", "pymdownx.tasklist"]

# elements that run, embed or fetch something; attributes that load a resource
_REFUSED_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "link", "meta", "base",
                 "style", "form", "portal", "noscript", "template", "svg", "math"}
_RESOURCE_ATTRS = {"src", "srcset", "poster", "background", "data", "action", "formaction", "codebase", "dynsrc",
                   "lowsrc", "ping", "xlink:href", "manifest", "icon", "longdesc", "usemap", "cite", "archive"}
_BAD_SCHEME = re.compile(r"^\s*(javascript|vbscript|data|file|blob|filesystem|jar)\s*:", re.IGNORECASE)
_ELSEWHERE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|//|\\\\|/\\)", re.IGNORECASE)
_CSS_FETCH = re.compile(r"url\s*\(|image-set\s*\(|@import|expression\s*\(|image\s*\(", re.IGNORECASE)


def markdown_extensions(root: Path | None) -> tuple[list[Any], dict[str, Any]]:
    """The site's Markdown extensions, as mkdocs.yml lists them (so guides are checked as they render)."""
    path = (root / "mkdocs.yml") if root else None
    if not path or not path.is_file():
        return list(DEFAULT_EXTENSIONS), {}

    class _Loader(yaml.SafeLoader):
        pass

    _Loader.add_multi_constructor("", lambda loader, suffix, node: None)  # !ENV, !!python/name: … read as nothing
    try:
        config = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}
    except yaml.YAMLError:
        return list(DEFAULT_EXTENSIONS), {}
    names: list[str] = []
    configs: dict[str, Any] = {}
    for item in config.get("markdown_extensions") or []:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict):
            for name, options in item.items():
                names.append(name)
                if isinstance(options, dict):
                    configs[name] = {k: v for k, v in options.items() if v is not None}
    return names or list(DEFAULT_EXTENSIONS), configs


class _PageScan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str], str]] = []  # (rule code, facts, snippet to find in the source)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _REFUSED_TAGS:
            self.found.append(("HB502", {"tag": tag}, f"<{tag}"))
        if tag == "input" and any(k == "type" and (v or "").lower() == "image" for k, v in attrs):
            self.found.append(("HB508", {}, "image"))
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.found.append(("HB505", {"name": name}, name + "="))
            elif name == "style" and _CSS_FETCH.search(value):
                self.found.append(("HB504", {}, value[:30]))
            elif name in ("href", "xlink:href") and _BAD_SCHEME.search(value):
                self.found.append(("HB506", {"scheme": value.split(":")[0].strip()}, value[:30]))
            elif name in _RESOURCE_ATTRS and value and (_ELSEWHERE.search(value) or _BAD_SCHEME.search(value)
                                                        or value.startswith("/")):
                self.found.append(("HB503", {"target": value[:60]}, value[:30]))
            elif name in _RESOURCE_ATTRS and value and ".." in value.split("/"):
                self.found.append(("HB507", {"target": value[:60]}, value[:30]))

    handle_startendtag = handle_starttag


def _line_of(source: str, snippet: str) -> int:
    if snippet:
        lines = list(enumerate(source.splitlines(), 1))
        for number, line in [item for item in lines if not item[1].startswith("#")] + lines:
            if snippet.lower() in line.lower():
                return number
    return 1


def check_rendered(html: str, source: str, shown: str) -> list[Problem]:
    """Problems in one guide's rendered HTML, at the source line that produced them."""
    scan = _PageScan()
    scan.feed(html)
    scan.close()
    return [problem(code, shown, _line_of(source, snippet), 1, **facts) for code, facts, snippet in scan.found]


def guide_files(guides_dir: Path, root: Path | None = None) -> tuple[list[Path], list[Problem]]:
    """The Markdown pages under guides/, and problems with any file that may not be published."""
    pages: list[Path] = []
    problems: list[Problem] = []
    if not guides_dir.is_dir():
        return pages, problems
    boundary = (root or guides_dir).resolve()
    for path in sorted(guides_dir.rglob("*")):
        shown = display_path(path, root)
        rel = path.relative_to(guides_dir)
        if path.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(boundary) or target.is_relative_to((boundary / ".git").resolve()):
                problems.append(problem("HB509", shown, 0, 0))
                continue
        if any(part.startswith(".") or not NAME.match(part) for part in rel.parts):
            problems.append(problem("HB510", shown, 0, 0))
            continue
        if path.is_dir():
            continue
        suffix = path.suffix.lower()
        if suffix == PAGE_SUFFIX:
            pages.append(path)
        elif suffix not in ASSET_SUFFIXES:
            problems.append(problem("HB511", shown, 0, 0, name=path.name, kinds=", ".join(sorted(ASSET_SUFFIXES))))
    return pages, problems


def check_guides(guides_dir: Path, root: Path | None = None) -> list[Problem]:
    """Every problem with the guides: files that may not be published, and pages that would fetch or run."""
    pages, problems = guide_files(guides_dir, root)
    extensions, configs = markdown_extensions(root)
    converter: md.Markdown | None = None
    setup = repr((extensions, configs))  # a page checked under other extensions is checked again
    for path in pages:
        shown = display_path(path, root)
        if path.stat().st_size > MAX_GUIDE_BYTES:
            problems.append(problem("HB512", shown, 0, 0))
            continue
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            problems.append(problem("HB501", shown, 1, 1))
            continue
        key = (shown, hashlib.sha256(source.encode("utf-8")).hexdigest(), setup)
        if key not in _CHECKED:  # a live preview checks again on every change: only changed pages are rendered
            converter = converter or _converter(extensions, configs)
            _CHECKED[key] = check_rendered(converter.reset().convert(source), source, shown)
        problems += _CHECKED[key]
    return problems


_CHECKED: dict[tuple[str, str, str], list[Problem]] = {}  # (page, its text, the extensions) -> its problems


def _converter(extensions: list[Any], configs: dict[str, Any]) -> md.Markdown:
    try:
        return md.Markdown(extensions=extensions, extension_configs=configs)
    except Exception:  # an extension we cannot load here: check with the defaults instead
        return md.Markdown(extensions=DEFAULT_EXTENSIONS)
