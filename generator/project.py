"""Where things live in a handbook repository (programmes, guides, theme, output)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .theme import Theme

PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Project:
    root: Path
    cache: Path | None = None  # from Settings; default <root>/.cache/handbook

    @classmethod
    def find(cls, start: Path | None = None, cache: Path | None = None) -> "Project":
        """The nearest folder upwards that has mkdocs.yml or programs/ (else the start folder)."""
        start = (start or Path.cwd()).resolve()
        for folder in (start, *start.parents):
            if (folder / "mkdocs.yml").is_file() or (folder / "programs").is_dir():
                return cls(folder, cache)
        return cls(start, cache)

    @property
    def programs_dir(self) -> Path:
        return self.root / "programs"

    @property
    def guides_dir(self) -> Path:
        return self.root / "guides"

    @property
    def theme(self) -> Theme:
        """The repository's own theme/ (any files it has) over the packaged default theme."""
        return Theme.for_root(self.root)

    theme_dir = theme  # the older name; it is a Theme (layers), not one folder

    @property
    def cache_dir(self) -> Path:
        return self.cache or self.root / ".cache" / "handbook"
