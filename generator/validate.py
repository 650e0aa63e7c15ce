"""Step 3: check a loaded programme against the contract and return problems for humans.

Every problem of a file comes back in one run: keys and types from the model (``structure``),
what programme text may contain (below), and the programme rules (``checks``), which run on every
section that could be read even when another one is broken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .checks import Parts, programme_problems, raw
from .load import Document, load_file, load_text
from .model import Programme
from .problems import Problem, display_path, has_errors
from .rules import problem
from .structure import structure_problems


@dataclass
class Loaded:
    """A programme file after loading and validation: the model is None when it has errors."""

    path: Path
    doc: Document
    programme: Programme | None


# ---------------------------------------------------------------- content safety

# a tag as browsers read it (no space after '<', closed by '>'), comments and declarations, or the
# opening of an element that fetches or runs something even when its '>' is on a later line
_HTML = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:[\s/][^<>]*)?/?>|<!--|<!\[CDATA\[|<![A-Za-z]|<\?"
                   r"|<(?:script|img|iframe|frame|style|object|embed|svg|link|meta|base|form|input|a|video|audio)\b",
                   re.IGNORECASE)
_INLINE_LINK = re.compile(r"(!?)\[[^\]]*\]\(\s*<?([^)\s>]*)")
_REF_DEF = re.compile(r"^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
_BARE_URL = re.compile(r"\b(?:https?|ftp|file|sftp|smb)://\S*|\bwww\.[a-z0-9-]+\.[a-z]{2,}\S*", re.IGNORECASE)
_REF_IMAGE = re.compile(r"!\[[^\]]*\]\s*\[")
# Markdown attribute lists: '{: …}', '{#id}', '{.class}' or '{ name=value }' after any element
_ATTR_LIST = re.compile(r"\{\s*[:#.][^{}]*\}|\{[^{}]*=[^{}]*\}")


class _Targets(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[bool, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "img":
            self.found.append((True, values.get("src") or ""))
        elif tag == "a" and values.get("href") is not None:
            self.found.append((False, values["href"] or ""))


def _rendered_targets(text: str) -> list[tuple[bool, str]]:
    from .render import unsanitized_markdown

    scan = _Targets()
    scan.feed(unsanitized_markdown(text))
    return scan.found


def _text_problems(text: str) -> list[tuple[str, dict[str, Any]]]:
    """(rule code, facts) for every way ``text`` would make a reader's browser load or run something."""
    found: list[tuple[str, dict[str, Any]]] = []
    if m := _HTML.search(text):
        found.append(("HB301", {"found": m.group(0).strip()}))
    if m := _ATTR_LIST.search(text):
        found.append(("HB305", {"found": m.group(0)[:40]}))
    targets = [(bang == "!", target) for bang, target in _INLINE_LINK.findall(text)]
    targets += [(False, t) for t in _REF_DEF.findall(text)]
    if "[" in text:  # what the Markdown really links to (nested or escaped brackets defeat patterns)
        targets += [t for t in _rendered_targets(text) if t not in targets]
    for is_image, target in targets:
        if is_image:
            found.append(("HB302", {"target": f" ('{target}')"}))
        elif not (target.startswith("#") or target.lower().startswith("mailto:")):
            found.append(("HB303", {"target": target}))
    if _REF_IMAGE.search(text):
        found.append(("HB302", {"target": ""}))
    if not targets and (m := _BARE_URL.search(text)):
        found.append(("HB304", {"target": m.group(0)}))
    return found


def _walk_strings(data: Any, path: tuple[Any, ...] = ()):
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _walk_strings(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _walk_strings(value, path + (i,))


# ---------------------------------------------------------------- public API

def check_document(doc: Document, *, guides_dir: Path | None = None,
                   expected_id: str | None = None) -> tuple[Programme | None, list[Problem]]:
    """Validate loaded data; returns the programme (None if invalid) and all problems at once."""
    problems: list[Problem] = []
    for path, text in _walk_strings(doc.data):
        for code, facts in _text_problems(text):
            line, col = doc.where(path)
            problems.append(problem(code, doc.file, line, col, **facts))
    try:
        prog: Programme | Parts = Programme.model_validate(doc.data)
        valid = True
    except ValidationError as exc:
        problems += structure_problems(doc, exc.errors())
        prog, valid = Parts.of(doc.data), False
    problems += programme_problems(doc, prog, guides_dir=guides_dir, expected_id=expected_id)
    problems += comma_fragments(doc)
    return (prog if valid and not has_errors(problems) else None), _dedupe(problems)


_REFERENCE_LISTS = ("with", "for", "owner", "collected_by")


def comma_fragments(doc: Document) -> list[Problem]:
    """Warn about list items that look like the tail of the item before, cut at a comma.

    ``steps: [Note one thing, even small.]`` is a YAML flow list of two items, "Note one thing" and
    "even small.". Two items written on one line, the second starting in lower case and the first
    not ending a sentence, are almost always that slip.
    """
    found = []
    for path, value in _walk_lists(doc.data):
        if path and path[-1] in _REFERENCE_LISTS:
            continue  # lists of names (roles, check-ins), not sentences
        for i in range(1, len(value)):
            before, item = value[i - 1], value[i]
            if not (isinstance(before, str) and isinstance(item, str)) or not item[:1].islower():
                continue
            if re.fullmatch(r"[a-z0-9_-]+", item) or re.fullmatch(r"[a-z0-9_-]+", before):
                continue  # ids (roles, keys), not prose
            here, there = doc.where(path + (i,)), doc.where(path + (i - 1,))
            if here[0] != there[0] or before.rstrip()[-1:] in ".!?:;":
                continue
            found.append(problem("HB417", doc.file, here[0], here[1], item=item, before=before,
                                 joined=f"{before}, {item}"))
    return found


def _walk_lists(data: Any, path: tuple[Any, ...] = ()):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _walk_lists(value, path + (key,))
    elif isinstance(data, list):
        yield path, data
        for i, value in enumerate(data):
            yield from _walk_lists(value, path + (i,))


def _dedupe(problems: list[Problem]) -> list[Problem]:
    out: list[Problem] = []
    for p in problems:
        if p not in out:
            out.append(p)
    return out


def check_text(text: str, file: str, *, guides_dir: Path | None = None,
               expected_id: str | None = None) -> tuple[Programme | None, list[Problem]]:
    """Load and validate programme text (e.g. a file at a git revision)."""
    doc, problems = load_text(text, file)
    if problems:
        return None, problems
    return check_document(doc, guides_dir=guides_dir, expected_id=expected_id)


def programme_files(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
        elif path.is_file():
            files.append(path)
        else:
            problems.append(problem("HB101", path.as_posix(), 0, 0, reason="no such file or folder"))
    return files, problems


def load_programmes(paths: list[Path], *, guides_dir: Path | None, root: Path | None = None) -> tuple[list[Loaded], list[Problem]]:
    """Load and validate every programme file under ``paths``; also checks ids are unique."""
    files, problems = programme_files(paths)
    loaded: list[Loaded] = []
    for path in files:
        shown = display_path(path, root)
        doc, found = load_file(path, shown)
        prog = None
        if not found:
            prog, found = check_document(doc, guides_dir=guides_dir, expected_id=path.stem)
        problems += found
        loaded.append(Loaded(path, doc, prog))
    owners: dict[str, Loaded] = {}
    for item in loaded:  # every id that could be read, even in a file with other problems
        pid = raw(item.doc.data, "id")
        if not isinstance(pid, str):
            continue
        if pid in owners:
            line, col = item.doc.where(("id",))
            problems.append(problem("HB402", item.doc.file, line, col, id=pid, other=owners[pid].doc.file))
            item.programme = None
        else:
            owners[pid] = item
    return loaded, problems
