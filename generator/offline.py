"""The handbook read from disk: what a copy of the site needs to work without a server or network.

Engine-neutral (the MkDocs adapter calls these after the site is written):

- ``write_search_script``: the search index as a script (Material's ``search/search_index.js``
  unless an engine's adapter names its own ``SearchIndex``), which the theme loads instead of
  fetching the JSON index when a page is opened from ``file://``;
- ``write_site_zip``: the whole built site, PDFs included, as one zip a participant downloads,
  unzips and opens (``index.html``) wherever they are. Reproducible: sorted entries, fixed dates.

Links and the search worker are made to work from disk in the browser by
``theme/overrides/assets/javascripts/offline.js`` (published URLs stay clean).
"""

from __future__ import annotations

import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

SEARCH_INDEX = "search/search_index.json"
SEARCH_SCRIPT = "search/search_index.js"
SITE_ZIP = "handbook.zip"
_STORED = {".pdf", ".zip", ".gz", ".png", ".jpg", ".jpeg", ".woff", ".woff2"}  # already compressed


@dataclass(frozen=True)
class SearchIndex:
    """Where an engine's theme writes its search index, the script it loads instead on ``file://``
    (``var __index = …``), and the key of the index's list of entries (each with a ``location``).
    The default is Material for MkDocs'; an engine's adapter names its own."""

    index: str = SEARCH_INDEX
    script: str = SEARCH_SCRIPT
    entries: str = "docs"


MATERIAL_SEARCH = SearchIndex()


def write_search_script(site_dir: Path, search: SearchIndex = MATERIAL_SEARCH) -> Path | None:
    index = site_dir / search.index
    if not index.is_file():
        return None
    target = site_dir / search.script
    target.write_text("var __index = " + index.read_text(encoding="utf-8") + ";\n", encoding="utf-8")
    return target


def name_search_results(site_dir: Path, titles: dict[str, str], search: SearchIndex = MATERIAL_SEARCH) -> None:
    """Give each page's own search result its full title ("Training · Digital Leaders"), as in the
    browser tab; the theme's index takes the page's first heading ("Training")."""
    import json

    index = site_dir / search.index
    if not titles or not index.is_file():
        return
    data = json.loads(index.read_text(encoding="utf-8"))
    changed = False
    for doc in data.get(search.entries, []):
        title = titles.get(doc.get("location"))
        if title and doc.get("title") != title:
            doc["title"] = title
            changed = True
    if changed:
        index.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


SEARCH_SITE = "search/site.json"  # what every reader's search starts from
SEARCH_SCOPES = "search/programs"  # one file per programme: its own pages


def write_scoped_indexes(site_dir: Path, group_of) -> tuple[int, int]:
    """Split the engine's search index so a reader fetches only what their page needs.

    ``search/site.json``: the hand-written pages and each programme's overview (one entry per
    programme, so a search from anywhere finds every programme); ``search/programs/<id>.json``:
    the rest of one programme's pages. ``offline.js`` gives Material's search the site index
    plus, on a programme's pages, that programme's file. ``group_of(location)`` says which
    programme a location belongs to ('programs/x', or '' for the rest of the site).
    Returns (bytes of the site index, bytes of the largest programme file)."""
    import json

    index = site_dir / SEARCH_INDEX
    if not index.is_file():
        return 0, 0
    data = json.loads(index.read_text(encoding="utf-8"))
    site: list[dict] = []
    scoped: dict[str, list[dict]] = {}
    for doc in data.get("docs", []):
        location = str(doc.get("location", ""))
        group = group_of(location.split("#")[0])
        if not group or location == group + "/":  # the rest of the site, and programme overviews
            site.append(doc)
        else:
            scoped.setdefault(group.split("/", 1)[1], []).append(doc)

    def write(path: Path, docs: list[dict]) -> int:
        text = json.dumps({"config": data.get("config", {}), "docs": docs}, ensure_ascii=False, separators=(",", ":"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return len(text.encode("utf-8"))

    largest = 0
    for programme, docs in scoped.items():
        largest = max(largest, write(site_dir / SEARCH_SCOPES / f"{programme}.json", docs))
    return write(site_dir / SEARCH_SITE, site), largest


def _zip_date(epoch: int | None) -> tuple[int, int, int, int, int, int]:
    if epoch is not None:
        return time.gmtime(max(epoch, 315532800))[:6]  # zip dates start in 1980
    return (1980, 1, 1, 0, 0, 0)


def write_site_zip(site_dir: Path, epoch: int | None = None, name: str = SITE_ZIP, folder: str = "handbook") -> Path:
    """Every file of the site under ``folder/`` in ``site_dir/name`` (the zip itself left out)."""
    target = site_dir / name
    partial = target.with_name(target.name + ".part")
    date = _zip_date(epoch)
    files = sorted(p for p in site_dir.rglob("*") if p.is_file() and p not in (target, partial))
    with zipfile.ZipFile(partial, "w") as archive:
        for path in files:
            info = zipfile.ZipInfo(f"{folder}/{path.relative_to(site_dir).as_posix()}", date_time=date)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED if path.suffix.lower() in _STORED else zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes(), compresslevel=6)
    partial.replace(target)
    return target
