"""One typed, validated ``Settings`` for a build: the only module that reads the environment.

Settings come from the command line (``handbook build``), the MkDocs plugin's options and the
environment, are checked once with clear errors, and are then passed down as an argument. The
environment is only a way across a process boundary: ``to_environment`` writes the variables
for the site engine's process and ``from_environment`` reads them back, both here.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Mapping

PAPERS = ("a4", "letter")
MAX_JOBS = 256
PREFIX = "HANDBOOK_"
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class SettingsError(ValueError):
    """A setting has a value it cannot have; the message names it and says what it may be."""


@dataclass(frozen=True)
class Settings:
    drafts: bool = False
    pdfs: bool = True
    paper: str = "a4"
    jobs: int = 0  # 0: one PDF worker per core
    cache: Path | None = None  # default: <project>/.cache/handbook
    output: Path | None = None
    progress_fd: int | None = None  # where the PDF progress bar is drawn (a terminal's descriptor)
    problems_file: Path | None = None  # where the engine hands problems back to `handbook build`
    source_date_epoch: int | None = None  # reproducible dates on every document
    site_url: str | None = None
    only: str | None = None  # comma-separated programme ids: preview just these
    preview: bool = False  # live preview: problems become a page in the browser instead of stopping
    mike_version: str | None = None  # set by mike while it builds an edition (MIKE_DOCS_VERSION)

    def __post_init__(self) -> None:
        if self.paper not in PAPERS:
            raise SettingsError(f"paper must be one of {', '.join(PAPERS)}, not '{self.paper}'")
        if not isinstance(self.jobs, int) or not 0 <= self.jobs <= MAX_JOBS:
            raise SettingsError(f"jobs must be a whole number from 1 to {MAX_JOBS}, not '{self.jobs}'")
        if self.source_date_epoch is not None and not 0 <= self.source_date_epoch < 32503680000:
            raise SettingsError(f"SOURCE_DATE_EPOCH must be seconds since 1970 before the year 3000, "
                                f"not '{self.source_date_epoch}'")
        if self.only is not None and not all(_SLUG.match(pid) for pid in self.only.split(",")):
            raise SettingsError(f"HANDBOOK_ONLY must be programme ids separated by commas, not '{self.only}'")
        if self.site_url is not None and not self.site_url.startswith(("http://", "https://")):
            raise SettingsError(f"HANDBOOK_SITE_URL must start with https:// (or http://), not '{self.site_url}'")

    # ------------------------------------------------------------ derived values

    @property
    def programme_ids(self) -> tuple[str, ...]:
        return tuple(self.only.split(",")) if self.only else ()

    @property
    def renders_pdfs(self) -> bool:
        return self.pdfs and not self.preview  # a live preview shows pages only

    @property
    def workers(self) -> int:
        return self.jobs or os.cpu_count() or 1

    def cache_dir(self, root: Path) -> Path:
        return self.cache or root / ".cache" / "handbook"

    @property
    def edition_date(self) -> dt.date | None:
        if self.source_date_epoch is None:
            return None
        return dt.datetime.fromtimestamp(self.source_date_epoch, dt.timezone.utc).date()

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)

    def digest_items(self) -> dict[str, object]:
        """What a build's output depends on among the settings (for the 'up to date' check)."""
        return {"drafts": self.drafts, "pdfs": self.pdfs, "paper": self.paper,
                "source_date_epoch": self.source_date_epoch, "site_url": self.site_url}

    # ------------------------------------------------------------ crossing a process boundary

    def to_environment(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        env = {k: v for k, v in (os.environ if base is None else base).items() if not k.startswith(PREFIX)}
        env.pop("SOURCE_DATE_EPOCH", None)
        env.pop("MIKE_DOCS_VERSION", None)
        for name, value in self._items().items():
            if value is not None:
                env[_variable(name)] = value
        return env

    def _items(self) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool):
                out[f.name] = "1" if value else "0"
            elif value is None:
                out[f.name] = None
            else:
                out[f.name] = str(value)
        return out

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None, **defaults) -> "Settings":
        """Settings from the environment; ``defaults`` (e.g. the plugin's options) fill in the rest."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = environ.get(_variable(f.name))
            if raw is None or raw.strip() == "":
                if f.name in defaults:
                    values[f.name] = defaults[f.name]
                continue
            values[f.name] = _parse(f.name, raw.strip(), f.type)
        return cls(**values)


def _variable(name: str) -> str:
    return {"source_date_epoch": "SOURCE_DATE_EPOCH", "mike_version": "MIKE_DOCS_VERSION"}.get(name, PREFIX + name.upper())


def _parse(name: str, raw: str, kind: object) -> object:
    kind = str(kind)
    variable = _variable(name)
    if kind == "bool":
        lowered = raw.lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise SettingsError(f"{variable} must be 1 or 0 (true/false), not '{raw}'")
    if kind.startswith("int"):
        try:
            return int(raw)
        except ValueError:
            raise SettingsError(f"{variable} must be a whole number, not '{raw}'") from None
    if kind.startswith("Path"):
        return Path(raw)
    return raw
