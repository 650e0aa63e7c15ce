"""Links and anchors of a built site, checked on the written HTML (engine-neutral).

MkDocs checks links in strict mode while it builds; an engine without such checks gets this check
on its output instead: every internal ``<a href>`` and ``<img src>`` of every page must
name a file of the site (a folder URL means its ``index.html``), and every ``#fragment`` an ``id``
(or ``<a name>``) in the page it points to. Other schemes (``https:``, ``mailto:`` …) and other
sites are never fetched; links into ``site_url`` (absolute, or starting with ``/``) are internal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from posixpath import normpath
from urllib.parse import unquote, urljoin, urlsplit


@dataclass(frozen=True)
class BrokenLink:
    page: str  # the page's file in the site, e.g. training/index.html
    link: str  # as written in the page
    why: str

    def __str__(self) -> str:
        return f"{self.page}: link {self.link!r} {self.why}"


# start tags, their attributes (quoted values may hold ">"), and what is not markup (scripts, comments)
_TAG = re.compile(r"""<([a-zA-Z][\w-]*)((?:\s+[^\s=>/"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*)\s*/?>""")
_ATTR = re.compile(r"""([^\s=>/"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")
_NOT_MARKUP = re.compile(r"<!--.*?-->|(<script\b[^>]*>).*?</script\s*>|(<style\b[^>]*>).*?</style\s*>",
                         re.IGNORECASE | re.DOTALL)


class _Page:
    """The ids of a page and its links (``a href``, ``img src``), as written."""

    def __init__(self, html: str) -> None:
        self.ids: set[str] = set()
        self.links: list[str] = []
        html = _NOT_MARKUP.sub(lambda m: m.group(1) or m.group(2) or "", html)
        for tag in _TAG.finditer(html):
            name = tag.group(1).lower()
            attrs = tag.group(2)
            if "id" not in attrs and name not in ("a", "img"):
                continue
            values = {m.group(1).lower(): unescape(m.group(2) or m.group(3) or m.group(4) or "")
                      for m in _ATTR.finditer(attrs)}
            if values.get("id"):
                self.ids.add(values["id"])
            if name == "a" and values.get("name"):
                self.ids.add(values["name"])
            link = values.get("href") if name == "a" else values.get("src") if name == "img" else None
            if link is not None:
                self.links.append(link)


def _read(path: Path) -> _Page:
    return _Page(path.read_text(encoding="utf-8", errors="replace"))


def check_site(site: Path, site_url: str | None = None, planned: set[str] = frozenset()) -> list[BrokenLink]:
    """Every broken internal link and anchor of the HTML pages under ``site``, in page order.

    ``planned``: files the site will hold but that are written later (PDFs still rendering)."""
    base = urlsplit(site_url or "")
    prefix = base.path if base.path.endswith("/") else base.path + "/"
    pages = {p.relative_to(site).as_posix(): p for p in sorted(site.rglob("*.html"))}
    parsed: dict[str, _Page] = {}

    def page(rel: str) -> _Page:
        if rel not in parsed:
            parsed[rel] = _read(pages[rel])
        return parsed[rel]

    broken: list[BrokenLink] = []
    for rel in pages:
        here = "/" + rel  # the page's address inside the site (a folder's index.html stands for the folder)
        for link in page(rel).links:
            problem = _check(link.strip(), here, rel, site, pages, page, base, prefix, planned)
            if problem:
                broken.append(BrokenLink(rel, link, problem))
    return broken


def _check(link, here, rel, site, pages, page, base, prefix, planned) -> str | None:
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:  # absolute: internal only when it points into site_url
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not base.netloc \
                or not (parts.path + "/").startswith(prefix):
            return None
        path = "/" + parts.path[len(prefix):]
    elif link.startswith("/"):
        if not (parts.path + "/").startswith(prefix):
            return "points outside the site"
        path = "/" + parts.path[len(prefix):]
    elif not parts.path:  # "#fragment" (or "?query") in the same page
        path = here
    else:
        path = urljoin(here, parts.path)
    target = normpath(unquote(path)).lstrip("/")
    if target in (".", ""):
        target = ""
    if target.startswith(".."):
        return "points outside the site"
    candidates = [target] if target and not path.endswith("/") else []
    candidates.append((target + "/index.html").lstrip("/"))
    found = next((c for c in candidates if c in pages or c in planned or (site / c).is_file()), None)
    if found is None:
        return "points to a file the site does not have"
    fragment = unquote(parts.fragment)
    if fragment and found in pages and fragment not in page(found).ids:
        return f"points to an anchor #{fragment} that {found} does not have"
    return None
