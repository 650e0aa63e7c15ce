"""A locked-down WeasyPrint URL fetcher: local files from our asset folders, nothing else.

WeasyPrint's default fetcher reads any file, http(s), ftp and data URL and follows redirects;
``<a rel=attachment>`` would embed whatever it can read. Ours serves only files below the
allowed roots and refuses everything else (the resource is skipped, the refusal recorded).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse


class RefusedURL(ValueError):
    """Raised for any URL outside the allowed roots (WeasyPrint logs it and skips the resource)."""


class LockedFetcher(URLFetcher):
    def __init__(self, roots: list[Path], layered: int = 0) -> None:
        """``layered``: the first so many roots are layers of one theme folder (the repository's
        own, then the package's): a file missing from one layer is looked for in the next."""
        super().__init__(allowed_protocols=["file"], allow_redirects=False, timeout=1)
        self.roots = [root.resolve() for root in roots]
        self.layers = self.roots[:layered]
        self.refused: list[str] = []

    def allowed_path(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return None
        path = Path(unquote(parts.path)).resolve()
        for layer in self.layers:  # e.g. the repository's print.css naming an image only the package has
            if path.is_relative_to(layer):
                relative = path.relative_to(layer)
                for other in self.layers:
                    candidate = (other / relative).resolve()
                    if candidate.is_file() and candidate.is_relative_to(other):
                        return candidate
                return None
        if not path.is_file():
            return None
        for root in self.roots:
            if path.is_relative_to(root):
                return path
        return None

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        path = self.allowed_path(url)
        if path is None:
            self.refused.append(url)
            raise RefusedURL(f"refused to fetch {url[:200]}")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), headers={"Content-Type": mime}, status=200)
