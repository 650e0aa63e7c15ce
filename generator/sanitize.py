"""Safety at the output: whatever programme text holds, only allowed markup reaches a reader.

The validator explains refusals to designers; this module makes whatever it misses inert:

- ``clean_html``: an allow-list sanitizer (nh3) for every HTML fragment made from programme
  text — tags, attributes and URL schemes allowed by name (``#``, ``https:`` and ``mailto:``
  links only; no images, no styles, no event handlers).
- ``inert``: programme text made safe for a Markdown page that the site engine renders again —
  HTML-escaped, and every character Markdown or its extensions (attribute lists, tabs,
  admonitions, task lists) would act on written as a character reference, all on one line.
- ``site_view``: a copy of a programme whose free text is ``inert`` (titles) or sanitized
  Markdown HTML (everything else), for the site's page templates; identifiers stay as they are.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

import nh3
from markupsafe import Markup
from pydantic import BaseModel

ALLOWED_TAGS = {"p", "br", "em", "strong", "b", "i", "code", "pre", "ul", "ol", "li", "a", "blockquote",
                "hr", "del", "sub", "sup"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"https", "mailto"}

# characters that Markdown, attr_list, tables, tabs, admonitions or task lists give a meaning to
_MARKDOWN_SIGNIFICANT = set("\\`*_{}[]()<>|&\"")


def _safe_href(value: str) -> str | None:
    """Relative, '#', https: and mailto: only; never protocol-relative ('//host') or backslash tricks."""
    compact = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(value))
    if compact.startswith(("//", "\\", "/\\")) or "\\" in compact:
        return None
    scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", compact)
    if scheme:
        return value if scheme.group(1).lower() in URL_SCHEMES else None
    # no relative paths: in a PDF they would become file: links, on the site they would point at
    # pages the programme does not own (guides are linked through the training 'guide' key)
    return value if compact.startswith("#") else None


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "href":
        return _safe_href(value)
    if attribute == "start":
        return value if value.isdigit() and len(value) < 6 else None
    return value


def clean_html(fragment: str) -> str:
    """Allow-listed HTML: unknown tags are dropped (their text kept), unknown attributes removed."""
    return nh3.clean(str(fragment), tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     attribute_filter=_attribute_filter, link_rel="noopener noreferrer", strip_comments=True,
                     clean_content_tags={"script", "style"})


def _encode_text(text: str, *, first: bool) -> str:
    out = []
    for i, ch in enumerate(text):
        if ch in _MARKDOWN_SIGNIFICANT or ch == "\n" or ch == "\r" or ch == "\t" or (first and i == 0 and not ch.isalpha()):
            out.append(f"&#{ord(ch)};")
        else:
            out.append(ch)
    return "".join(out)


def inert(text: Any) -> Markup:
    """Plain programme text, escaped for HTML and made inert for a Markdown page (one line)."""
    if isinstance(text, Markup):
        return text
    return Markup(_encode_text(str(text), first=True))


class _Reserializer(HTMLParser):
    """Writes sanitized HTML back with every text character Markdown would act on encoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.links: list[bool] = []  # for each open <a>: was it kept

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":  # a link whose address was refused is plain text, not a dead link
            self.links.append(any(name == "href" for name, _ in attrs))
            if not self.links[-1]:
                return
        parts = "".join(f' {name}="{html.escape(value or "", quote=True)}"' for name, value in attrs)
        self.out.append(f"<{tag}{parts}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and not (self.links.pop() if self.links else True):
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(_encode_text(data, first=not self.out))


def inert_html(fragment: str) -> Markup:
    """Sanitized HTML for a Markdown page: text characters encoded, newlines removed from structure."""
    parser = _Reserializer()
    parser.feed(clean_html(fragment))
    parser.close()
    return Markup("".join(parser.out))


# ---------------------------------------------------------------- the site's view of a programme

# values that are identifiers or settings (validated patterns), never shown as free text
IDENTIFIERS = {"id", "role", "key", "when", "guide", "lead", "version", "status", "language", "model", "cadence",
               "for_", "with_", "owner", "time"}
PLAIN = {"title", "label", "pilot_size", "name", "zone"}


def _convert(value: Any, name: str, render) -> Any:
    if isinstance(value, BaseModel):
        return _copy(value, render)
    if isinstance(value, list):
        return [_convert(v, name, render) for v in value]
    if isinstance(value, dict):
        return {k: _convert(v, name, render) for k, v in value.items()}
    if isinstance(value, str) and name not in IDENTIFIERS:
        return inert(value) if name in PLAIN else render(value)
    return value


def _copy(node: BaseModel, render) -> BaseModel:
    values = {name: _convert(getattr(node, name), name, render) for name in type(node).model_fields}
    return type(node).model_construct(**values)


def site_view(programme: BaseModel) -> BaseModel:
    """The programme as the site's Markdown templates may print it: nothing in it can become markup."""
    from .render import markdown_html

    return _copy(programme, lambda text: inert_html(markdown_html(text, inline=True)))
