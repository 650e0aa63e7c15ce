"""HTML to PDF with WeasyPrint, locked down.

Small on purpose: PDF worker processes need only this module, and importing it is cheap
(WeasyPrint itself is loaded on first use, or preloaded by the worker server).
"""

from __future__ import annotations

import os
from pathlib import Path

WORKER_PRELOAD = ["weasyprint", "generator.fetcher", "generator.pdf"]


def write_pdf(html: str, target: Path, theme_dir, extra_roots: list[Path] | None = None) -> list[str]:
    """Render HTML to a PDF file; returns the URLs the locked fetcher refused.

    ``theme_dir`` is a ``Theme`` (or a theme folder over the packaged one): print.css and the
    workbook assets come from the repository's theme/workbook if it has them, else the package's.
    """
    from weasyprint import CSS, HTML

    from .fetcher import LockedFetcher
    from .theme import Theme

    theme = Theme.of(theme_dir)
    roots = theme.roots("workbook")
    fetcher = LockedFetcher(roots + (extra_roots or []), layered=len(roots))
    base = roots[0].resolve().as_uri() + "/"
    stylesheet = CSS(filename=str(theme.find("workbook/print.css")), url_fetcher=fetcher)
    document = HTML(string=html, base_url=base, url_fetcher=fetcher)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + f".{os.getpid()}.part")
    document.write_pdf(
        str(partial), stylesheets=[stylesheet], pdf_forms=True, pdf_tags=True, pdf_variant="pdf/ua-1",
        presentational_hints=False, attachments=[], uncompressed_pdf=False,
    )
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


def write_task(task: tuple) -> str:
    """One PDF in a worker process: (html, theme, target path) -> target path."""
    html, theme, target = task
    write_pdf(html, Path(target), theme)
    return target
