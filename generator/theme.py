"""Which theme file a handbook uses: the repository's own ``theme/`` over the packaged default.

The default theme (page and print templates, print CSS, labels, scaffolds, Material overrides)
ships inside the package (``generator/theme`` in the wheel; ``theme/`` beside the package in a
checkout of the generator). A handbook repository needs no ``theme/`` folder; if it has one, any
file in it at the same relative path replaces the packaged one and everything else comes from the
package. Label files are overlaid key by key. This is the only module that knows about layers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

_HERE = Path(__file__).resolve().parent
# installed from the wheel: generator/theme; in a checkout of the generator: theme/ beside it
PACKAGED = _HERE / "theme" if (_HERE / "theme" / "pages").is_dir() else _HERE.parent / "theme"


@dataclass(frozen=True)
class Theme:
    layers: tuple[Path, ...]  # the first that has a file wins; the packaged theme is always last

    @classmethod
    def of(cls, folder: "Theme | Path | str | None") -> "Theme":
        """A theme folder (possibly holding only a few files) over the packaged default."""
        if isinstance(folder, Theme):
            return folder
        if folder is None:
            return cls((PACKAGED,))
        own = Path(folder).resolve()
        return cls((PACKAGED,) if own == PACKAGED else (own, PACKAGED))

    @classmethod
    def for_root(cls, root: Path) -> "Theme":
        own = root / "theme"
        return cls.of(own if own.is_dir() else None)

    @property
    def own(self) -> Path | None:
        """The repository's own theme folder, if it has one (and it is not the packaged one)."""
        return self.layers[0] if len(self.layers) > 1 else None

    def find(self, relative: str) -> Path:
        """The file that wins for a relative path such as ``workbook/print.css``."""
        for layer in self.layers:
            if (layer / relative).is_file():
                return layer / relative
        return self.layers[-1] / relative

    def loader(self):
        """A Jinja loader that takes each template from the first layer that has it."""
        import jinja2

        return jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(layer)) for layer in self.layers])

    def label_files(self, names: list[str]) -> list[Path]:
        """Label files to merge, weakest first: per language (en, then fr, ...), the package's then the repository's."""
        return [layer / "labels" / f"{name}.yaml" for name in names for layer in reversed(self.layers)
                if (layer / "labels" / f"{name}.yaml").is_file()]

    def files(self, folder: str) -> dict[str, Path]:
        """Every file under ``folder`` (e.g. ``workbook``) by relative path, each the one that wins."""
        found: dict[str, Path] = {}
        for layer in reversed(self.layers):
            base = layer / folder
            if base.is_dir():
                for path in sorted(base.rglob("*")):
                    if path.is_file() and "__pycache__" not in path.parts:
                        found[f"{folder}/{path.relative_to(base).as_posix()}"] = path
        return dict(sorted(found.items()))

    def digest(self, *folders: str) -> str:
        """What documents rendered from these folders depend on (for caches)."""
        digest = hashlib.sha256()
        for folder in folders:
            for relative, path in self.files(folder).items():
                digest.update(relative.encode())
                digest.update(path.read_bytes())
        return digest.hexdigest()

    def roots(self, folder: str) -> list[Path]:
        """The folders the PDF fetcher may read ``folder``'s assets from, the repository's first."""
        return [layer / folder for layer in self.layers]

    def site_dirs(self, dirs: list[str], project_root: Path) -> list[str]:
        """The site engine's template folders with every layer's ``overrides/`` in place, the
        repository's before the package's, both before the engine's own theme (after any other
        ``custom_dir`` the repository names); a repository's theme/overrides needs no custom_dir."""
        wanted = [str(layer / "overrides") for layer in self.layers if (layer / "overrides").is_dir()]
        keys = {Path(d).resolve() for d in wanted}
        rest = [d for d in dirs if Path(d).resolve() not in keys]
        position = 1 if rest and Path(rest[0]).resolve().is_relative_to(project_root.resolve()) else 0
        return [*rest[:position], *wanted, *rest[position:]]
