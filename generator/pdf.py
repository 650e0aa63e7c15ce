"""HTML to PDF with WeasyPrint, locked down.

Small on purpose: PDF worker processes need only this module (and ``pdfua`` for the
post-processing), and importing it is cheap (WeasyPrint itself is loaded on first use, or
preloaded by the worker server).

Writing areas that fill their page (``textarea.fill``, the notes after each session) are grown
after layout by whole ruled lines down to the bottom of their page. Nothing follows a filling field
on its page, so growing it moves nothing else: the laid-out field, its ruled background and its
form-field rectangle are adjusted in place (no second layout). An optional notes area (at the end
of a chapter) that would start a page of its own is left out, which does need a second layout.
Should WeasyPrint's layout objects ever not look as expected, the growth is made by a further
layout with generated CSS instead. Notes therefore never force a page of their own
with four rules on it: they take the rest of the session's last page, or, when not even their
heading and two lines fit there, a deliberate full page of rules.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

WORKER_PRELOAD = ["weasyprint", "pikepdf", "generator.fetcher", "generator.pdf", "generator.pdfua"]

OPTIONS = dict(pdf_forms=True, pdf_tags=True, pdf_variant="pdf/ua-1", presentational_hints=False,
               attachments=[], uncompressed_pdf=False)
FILL_CLASS = "fill"
BOTTOM_SLACK_PX = 2  # keep a hair above the page area's bottom edge so rounding never pushes a field over


def write_pdf(html: str, target: Path, theme_dir, extra_roots: list[Path] | None = None) -> list[str]:
    """Render HTML to a PDF file; returns the URLs the locked fetcher refused.

    ``theme_dir`` is a ``Theme`` (or a theme folder over the packaged one): print.css and the
    workbook assets come from the repository's theme/workbook if it has them, else the package's.
    """
    from weasyprint import CSS, HTML

    from .fetcher import LockedFetcher
    from .pdfua import finish
    from .theme import Theme

    theme = Theme.of(theme_dir)
    roots = theme.roots("workbook")
    fetcher = LockedFetcher(roots + (extra_roots or []), layered=len(roots))
    base = roots[0].resolve().as_uri() + "/"
    stylesheets = [CSS(filename=str(theme.find("workbook/print.css")), url_fetcher=fetcher)]
    document = HTML(string=html, base_url=base, url_fetcher=fetcher)
    rendered = document.render(stylesheets=stylesheets, **OPTIONS)
    hidden = left_out(rendered)
    if hidden:  # an optional notes area that would start a page: lay out again without it (no blank page)
        rendered = document.render(stylesheets=stylesheets + [CSS(string=hidden)], **OPTIONS)
    try:
        fill_in_place(rendered)
    except (AttributeError, TypeError, ValueError, KeyError):  # pragma: no cover - WeasyPrint internals moved
        rendered = document.render(stylesheets=stylesheets + [CSS(string=hidden)], **OPTIONS)
        grow = fill_rules(rendered)
        if grow:
            rendered = document.render(stylesheets=stylesheets + [CSS(string=hidden + "\n" + grow)], **OPTIONS)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + f".{os.getpid()}.part")
    rendered.write_pdf(str(partial), **OPTIONS)
    finish(partial, html)
    os.replace(partial, target)
    _digest_path(target).write_text(_sha256(target), encoding="ascii")
    return fetcher.refused


def _digest_path(target: Path) -> Path:
    return target.with_name(target.name + ".sha256")


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def verified(target: Path) -> bool:
    """A cached PDF is reused only if its bytes are the ones its render wrote (else it is rendered again)."""
    try:
        return target.is_file() and _digest_path(target).read_text(encoding="ascii").strip() == _sha256(target)
    except OSError:
        return False


def _fills(rendered):
    """(page, field box, holder box or None, lines to add) for every filling field; lines None = leave out.

    An ``optional`` field (notes at the end of a chapter) is left out when it would start a page of
    its own: it may use leftover space, never add a page.
    """
    for page in rendered.pages:
        page_box = page._page_box
        top = page_box.content_box_y()
        bottom = top + page_box.height - BOTTOM_SLACK_PX
        boxes = list(page_box.descendants())
        for box in boxes:
            element = box.element
            if element is None or box.element_tag != "textarea":
                continue
            classes = (element.get("class") or "").split()
            name = element.get("name")
            if FILL_CLASS not in classes or not name:
                continue
            holder = next((b for b in boxes if b.element_tag == "div" and b.element is not None
                           and b.element.get("id") == f"notes-{name}"), None)
            if "optional" in classes and (holder is None or holder.position_y <= top + 1):
                yield page, box, holder, None
                continue
            pitch = _line_pitch(box)
            free = bottom - (box.position_y + box.margin_height())
            extra = math.floor(free / pitch) if pitch else 0
            if extra > 0:
                yield page, box, holder, extra * pitch


def left_out(rendered) -> str:
    """CSS that leaves out the optional notes areas that would start a page of their own."""
    return "\n".join(f"#notes-{box.element.get('name')} {{ display: none; }}"
                     for _, box, _, grow in _fills(rendered) if grow is None)


def fill_in_place(rendered) -> int:
    """Grow the filling fields of a laid-out document to the bottom of their pages; returns how many."""
    from weasyprint.anchors import rectangle_aabb
    from weasyprint.layout.background import layout_box_backgrounds

    changed = 0
    for page, box, _, grow in list(_fills(rendered)):
        if grow is None:  # left out by a second layout (see write_pdf); nothing to grow here
            continue
        box.height += grow
        layout_box_backgrounds(page._page_box, box, None, layout_children=False)
        for entries in page.forms.values():
            for i, (field, _) in enumerate(entries):
                if field is box:
                    entries[i] = (field, rectangle_aabb(None, box.content_box_x(), box.content_box_y(),
                                                        box.width, box.height))
        changed += 1
    return changed


def fill_rules(rendered) -> str:
    """The growth ``fill_in_place`` makes, as CSS for a second layout."""
    return "\n".join(f'textarea[name="{box.element.get("name")}"] {{ height: {box.height + grow:.3f}px; }}'
                     for _, box, _, grow in _fills(rendered) if grow is not None)


def _line_pitch(box) -> float:
    """The distance between printed rules: the field's computed line height, in CSS px."""
    value = box.style["line_height"]
    if isinstance(value, (int, float)):
        return float(value)
    number, unit = getattr(value, "value", None), getattr(value, "unit", None)
    if unit == "px" and number:
        return float(number)
    return float(box.style["font_size"]) * float(number or 1.2)


def write_task(task: tuple) -> str:
    """One PDF in a worker process: (html, theme, target path) -> target path."""
    html, theme, target = task
    write_pdf(html, Path(target), theme)
    return target
