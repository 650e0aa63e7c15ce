"""Step 1: read a programme file into plain data, remembering where each value was written.

PyYAML's safe loader is used for scanning and parsing; the node tree is walked by hand so
we can refuse what does not belong in a content file (duplicate keys, non-string keys,
custom tags, runaway aliases) and keep line/column for every value and every key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem
from .rules import problem

MAX_FILE_BYTES = 1_000_000
MAX_NODES = 50_000  # a large programme has a few thousand
MAX_ALIAS_NODES = 1_000  # nodes that aliases may add by repetition
MAX_ALIASES = 100
MAX_TEXT_CHARS = 1_000_000  # all text after alias expansion: no more than a file could hold written out
MAX_STRING_CHARS = 20_000  # one value (a long purpose statement is a few thousand)
# control characters and invisible direction overrides have no place in programme text (and can
# make a reviewer read something other than what is printed)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")

_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_KIND = {
    yaml.MappingNode: "a mapping (key: value)",
    yaml.SequenceNode: "a list",
    yaml.ScalarNode: "a single value",
}

Path_ = tuple[Any, ...]
# libyaml's C parser when PyYAML was built with it (same safe resolver, same marks), else pure Python.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Document:
    """A loaded file: its data plus 1-based (line, column) of every value and key."""

    file: str
    data: Any = None
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Best location for ``path``: the key or value itself, else its nearest parent."""
        path = tuple(path)
        if key and path in self.keys:
            return self.keys[path]
        while path:
            if path in self.values and not key:
                return self.values[path]
            if path in self.keys:
                return self.keys[path]
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), (1, 1))


class _Refused(Exception):
    """Stops the walk at the first construct we refuse (internal only): a rule code and its facts."""

    def __init__(self, node: yaml.Node, code: str, **facts: Any) -> None:
        super().__init__(code)
        self.mark = node.start_mark
        self.code = code
        self.facts = facts


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Walker:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.constructor = yaml.constructor.SafeConstructor()
        self.seen: set[int] = set()
        self.stack: set[int] = set()
        self.nodes = 0
        self.alias_nodes = 0
        self.aliases = 0
        self.in_alias = 0
        self.chars = 0

    def walk(self, node: yaml.Node, path: Path_) -> Any:
        self.nodes += 1
        if self.in_alias:
            self.alias_nodes += 1
        if self.nodes > MAX_NODES or self.alias_nodes > MAX_ALIAS_NODES:
            raise _Refused(node, "HB120")
        reused = id(node) in self.seen and not isinstance(node, yaml.ScalarNode)  # text is counted by HB125
        if id(node) in self.stack:
            raise _Refused(node, "HB121")
        if reused:
            self.aliases += 0 if self.in_alias else 1  # one *alias, however much it repeats
            if self.aliases > MAX_ALIASES:
                raise _Refused(node, "HB122", limit=MAX_ALIASES)
            self.in_alias += 1
        self.seen.add(id(node))
        self.doc.values.setdefault(path, _mark(node))
        try:
            self.stack.add(id(node))
            return self._value(node, path)
        finally:
            self.stack.discard(id(node))
            if reused:
                self.in_alias -= 1

    def _value(self, node: yaml.Node, path: Path_) -> Any:
        tag = node.tag
        if isinstance(node, yaml.ScalarNode):
            if tag not in _SCALAR_TAGS:
                raise _Refused(node, "HB118", tag=tag.replace(_STD, "!!"))
            try:
                value = self.constructor.construct_object(node, deep=True)
            except (yaml.YAMLError, ValueError, OverflowError) as exc:
                raise _Refused(node, "HB119", detail=exc) from None
            if isinstance(value, str):
                self._check_text(node, value)
            return value
        if isinstance(node, yaml.SequenceNode):
            if tag != _STD + "seq":
                raise _Refused(node, "HB118", tag=tag.replace(_STD, "!!"))
            return [self.walk(item, path + (i,)) for i, item in enumerate(node.value)]
        if tag != _STD + "map":
            raise _Refused(node, "HB118", tag=tag.replace(_STD, "!!"))
        return self._mapping(node, path)

    def _check_text(self, node: yaml.ScalarNode, value: str) -> None:
        self.chars += len(value)
        if self.chars > MAX_TEXT_CHARS:
            raise _Refused(node, "HB125", limit=f"{MAX_TEXT_CHARS:,}")
        if len(value) > MAX_STRING_CHARS:
            raise _Refused(node, "HB126", length=f"{len(value):,}", limit=f"{MAX_STRING_CHARS:,}")
        if m := _CONTROL.search(value):
            raise _Refused(node, "HB127", char=f"U+{ord(m.group(0)):04X}")

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[str, Any]:
        out: dict[str, Any] = {}
        merged: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _STD + "merge":
                merged.append(value_node)
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STD + "str":
                shown = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
                raise _Refused(key_node, "HB117", key=shown)
            key = key_node.value
            if key in out:
                first = self.doc.keys[path + (key,)]
                raise _Refused(key_node, "HB116", key=key, first=first[0])
            self.doc.keys[path + (key,)] = _mark(key_node)
            out[key] = self.walk(value_node, path + (key,))
        for value_node in merged:  # '<<: *base' fills in keys not written explicitly
            sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    raise _Refused(source, "HB123")
                self.in_alias += 1
                try:
                    extra = self._mapping(source, path)
                finally:
                    self.in_alias -= 1
                for key, value in extra.items():
                    out.setdefault(key, value)
        return out


_KEY_THEN_TEXT = re.compile(r"^(\s*(?:-\s+)?[^\s#'\"\[{][^:#]*?:\s+)(\S.*?)\s*$")


def _line(lines: list[str], number: int) -> str:
    return lines[number - 1] if 0 < number <= len(lines) else ""


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, file: str) -> Problem:
    """PyYAML's words for a syntax error, rewritten for a designer, with the line and a caret."""
    lines = text.splitlines()
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    what = exc.problem or ""
    context = exc.context or ""
    here = _line(lines, line)

    def found(code: str, at: tuple[int, int] | None = None, **facts: Any) -> Problem:
        at_line, at_col = at or (line, col)
        return problem(code, file, at_line, at_col, source=_line(lines, at_line), **facts)

    if "depth" in what:
        return found("HB107")
    for number in (line, exc.context_mark.line + 1 if exc.context_mark else 0):  # a tab in the indentation
        indent = re.match(r"[ \t]*", _line(lines, number)).group(0)
        if "\t" in indent:
            return found("HB111", (number, indent.index("\t") + 1))
    if "tab" in what:
        return found("HB111")
    if "quoted scalar" in context and exc.context_mark:
        start = exc.context_mark
        quote = _line(lines, start.line + 1)[start.column:start.column + 1] or '"'
        return found("HB113", (start.line + 1, start.column + 1), opened=start.line + 1,
                     quote="double" if quote == '"' else "single", quote_char=quote)
    if "flow" in context:
        if exc.context_mark and ("',' or ']'" in what or "',' or '}'" in what or "end of stream" in what):
            start = exc.context_mark
            bracket = _line(lines, start.line + 1)[start.column:start.column + 1] or "["
            if not any(c in _line(lines, start.line + 1)[start.column:] for c in ":?"):
                return found("HB124", (start.line + 1, start.column + 1), bracket=bracket,
                             closing="]" if bracket == "[" else "}", opened=start.line + 1)
        start = exc.context_mark
        return found("HB115", (start.line + 1, start.column + 1) if start else None)
    if "mapping values are not allowed" in what:
        match = _KEY_THEN_TEXT.match(here)
        if match and col > len(match.group(1)):
            value = match.group(2).replace("\\", "\\\\").replace('"', '\\"')
            return found("HB112", key=match.group(1).strip() + " ", text=value)
    if "mapping values are not allowed" in what or "expected key" in what or "'-' indicator" in what \
            or "block end" in what:
        above = next((n for n in range(line - 1, 0, -1)
                      if _line(lines, n).strip() and not _line(lines, n).lstrip().startswith("#")), 0)
        if above and _indent(_line(lines, above)) != _indent(here):
            return found("HB114", (line, _indent(here) + 1), here=_indent(here), above_line=above,
                         above=_indent(_line(lines, above)))
    detail = f"{context}, {what}" if context and what else (what or context or "this is not valid YAML")
    return found("HB110", detail=detail)


def load_text(text: str, file: str) -> tuple[Document, list[Problem]]:
    """Parse YAML text; return the document and any problems (never raises for bad input)."""
    doc = Document(file=file)
    try:
        nodes = list(yaml.compose_all(text, Loader=_LOADER))
    except yaml.MarkedYAMLError as exc:
        return doc, [_syntax_problem(exc, text, file)]
    except yaml.YAMLError as exc:
        return doc, [problem("HB110", file, 0, 0, detail=exc)]
    except RecursionError:
        return doc, [problem("HB107", file, 1, 1)]
    nodes = [n for n in nodes if n is not None]
    if not nodes:
        return doc, [problem("HB104", file, 1, 1)]
    if len(nodes) > 1:
        line, col = _mark(nodes[1])
        return doc, [problem("HB105", file, line, col)]
    root = nodes[0]
    if not isinstance(root, yaml.MappingNode):
        line, col = _mark(root)
        return doc, [problem("HB106", file, line, col, found=_KIND.get(type(root), "this"))]
    try:
        doc.data = _Walker(doc).walk(root, ())
    except _Refused as exc:
        doc.data = None
        line = exc.mark.line + 1
        return doc, [problem(exc.code, file, line, exc.mark.column + 1, **exc.facts)]
    except RecursionError:
        return doc, [problem("HB107", file, 1, 1)]
    return doc, []


def load_file(path: Path, file: str | None = None) -> tuple[Document, list[Problem]]:
    file = file or path.as_posix()
    try:
        size = path.stat().st_size
    except OSError as exc:
        return Document(file=file), [problem("HB101", file, 0, 0, reason=exc.strerror)]
    if size > MAX_FILE_BYTES:
        return Document(file=file), [problem("HB102", file, 1, 1, size=size, limit=MAX_FILE_BYTES)]
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return Document(file=file), [problem("HB103", file, 1, 1, byte=exc.start)]
    except OSError as exc:
        return Document(file=file), [problem("HB101", file, 0, 0, reason=exc.strerror)]
    return load_text(text, file)
