"""The last line of defence: a Content-Security-Policy on every page of the site.

Scripts, styles, images, fonts and data come from the site itself only; inline scripts run only
when their exact text is one the theme wrote into this page (their hashes are listed); inline
event handlers, ``javascript:`` URLs, plugins, frames and other origins are refused by the browser
even if markup ever slipped past escaping and sanitizing.
"""

from __future__ import annotations

import base64
import hashlib
import re

_INLINE_SCRIPT = re.compile(r"<script(?P<attrs>(?:\s[^>]*)?)>(?P<body>.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_HEAD = re.compile(r"<head(?:\s[^>]*)?>", re.IGNORECASE)
_CHARSET = re.compile(r"<meta\s+charset=[^>]*>", re.IGNORECASE)

# 'self' plus data: images (the theme's icons are data: SVGs inside its stylesheet)
DIRECTIVES = (
    ("default-src", "'none'"),
    ("img-src", "'self' data:"),
    ("style-src", "'self'"),
    ("font-src", "'self'"),
    ("connect-src", "'self'"),
    ("worker-src", "'self'"),
    ("manifest-src", "'self'"),
    ("media-src", "'self'"),
    ("base-uri", "'none'"),
    ("form-action", "'none'"),
    ("object-src", "'none'"),
    ("frame-src", "'none'"),
)


def _executable(attrs: str) -> bool:
    kind = re.search(r"\btype\s*=\s*[\"']?([^\"'\s>]+)", attrs, re.IGNORECASE)
    return kind is None or kind.group(1).lower() in ("text/javascript", "application/javascript", "module")


def inline_scripts(html: str) -> list[str]:
    """The text of every inline script that a browser would run, in order."""
    return [m.group("body") for m in _INLINE_SCRIPT.finditer(html)
            if not re.search(r"\bsrc\s*=", m.group("attrs"), re.IGNORECASE) and _executable(m.group("attrs"))]


def script_hashes(page: str, content: str = "") -> list[str]:
    """'sha256-…' sources for the theme's inline scripts of the page, without repeats.

    ``content`` is the page's own content (from Markdown); a script written there is never
    trusted, even though it ends up in the same page.
    """
    untrusted = set(inline_scripts(content)) if content else set()
    hashes: list[str] = []
    for body in inline_scripts(page):
        if body in untrusted:
            continue
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
        source = f"'sha256-{digest}'"
        if source not in hashes:
            hashes.append(source)
    return hashes


def policy(page: str, content: str = "") -> str:
    scripts = " ".join(["'self'", *script_hashes(page, content)])
    return "; ".join([f"{name} {value}" for name, value in DIRECTIVES[:1]] + [f"script-src {scripts}"] +
                     [f"{name} {value}" for name, value in DIRECTIVES[1:]])


def with_policy(page: str, content: str = "") -> str:
    """The page with its policy as the first thing the browser reads in <head> (after the charset).

    A policy already in the page (from its content) is left in place: browsers enforce every
    policy they are given, so another one can only make things stricter.
    """
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(page, content)}">'
    anchor = _CHARSET.search(page) or _HEAD.search(page)
    if anchor is None:
        return page
    return page[:anchor.end()] + meta + page[anchor.end():]
