"""Step 1: read a programme file into plain data, remembering where each value was written.

PyYAML's safe loader is used for scanning and parsing; the node tree is walked by hand so
we can refuse what does not belong in a content file (duplicate keys, non-string keys,
custom tags, runaway aliases) and keep line/column for every value and every key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import re

import yaml

from .problems import Problem

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
    """Stops the walk at the first construct we refuse (internal only)."""

    def __init__(self, node: yaml.Node, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.mark = node.start_mark
        self.message = message
        self.hint = hint


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
            raise _Refused(
                node,
                "anchors and aliases (&name / *name) expand this file beyond the allowed size",
                "write the text out instead of repeating it with aliases",
            )
        reused = id(node) in self.seen
        if id(node) in self.stack:
            raise _Refused(node, "an alias refers to itself (recursive anchor)", "remove the *alias")
        if reused:
            self.aliases += 0 if self.in_alias else 1  # one *alias, however much it repeats
            if self.aliases > MAX_ALIASES:
                raise _Refused(node, "too many aliases (*name) in one file", "write the text out")
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
                raise _Refused(
                    node,
                    f"the tag '{tag.replace(_STD, '!!')}' is not allowed in a programme file",
                    "remove the tag (the word starting with !) and write a plain value",
                )
            try:
                value = self.constructor.construct_object(node, deep=True)
            except (yaml.YAMLError, ValueError, OverflowError) as exc:
                raise _Refused(node, f"this value cannot be read: {exc}", "quote it") from None
            if isinstance(value, str):
                self._check_text(node, value)
            return value
        if isinstance(node, yaml.SequenceNode):
            if tag != _STD + "seq":
                raise _Refused(node, f"the tag '{tag.replace(_STD, '!!')}' is not allowed in a programme file",
                               "remove the tag (the word starting with !)")
            return [self.walk(item, path + (i,)) for i, item in enumerate(node.value)]
        if tag != _STD + "map":
            raise _Refused(node, f"the tag '{tag.replace(_STD, '!!')}' is not allowed in a programme file",
                           "remove the tag (the word starting with !)")
        return self._mapping(node, path)

    def _check_text(self, node: yaml.ScalarNode, value: str) -> None:
        self.chars += len(value)
        if self.chars > MAX_TEXT_CHARS:
            raise _Refused(node, f"the file's text adds up to more than {MAX_TEXT_CHARS:,} characters "
                           "(aliases repeat text)", "write shorter text, or split the programme")
        if len(value) > MAX_STRING_CHARS:
            raise _Refused(node, f"this text is {len(value):,} characters long (at most {MAX_STRING_CHARS:,})",
                           "shorten it, or split it into several items")
        if m := _CONTROL.search(value):
            raise _Refused(node, f"this text holds an invisible control character (U+{ord(m.group(0)):04X})",
                           "delete it and retype the text around it; paste as plain text")

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[str, Any]:
        out: dict[str, Any] = {}
        merged: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _STD + "merge":
                merged.append(value_node)
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STD + "str":
                shown = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
                raise _Refused(
                    key_node,
                    f"the key '{shown}' is not text",
                    f"keys must be words; write it as '\"{shown}\": ...' if it is meant as text"
                    if isinstance(key_node, yaml.ScalarNode) else "keys must be plain words",
                )
            key = key_node.value
            if key in out:
                first = self.doc.keys[path + (key,)]
                raise _Refused(
                    key_node,
                    f"duplicate key '{key}' (first written on line {first[0]})",
                    "keep one of the two; YAML would silently drop the first",
                )
            self.doc.keys[path + (key,)] = _mark(key_node)
            out[key] = self.walk(value_node, path + (key,))
        for value_node in merged:  # '<<: *base' fills in keys not written explicitly
            sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    raise _Refused(source, "'<<' must merge a mapping", "use '<<: *name' with a mapping anchor")
                self.in_alias += 1
                try:
                    extra = self._mapping(source, path)
                finally:
                    self.in_alias -= 1
                for key, value in extra.items():
                    out.setdefault(key, value)
        return out


def load_text(text: str, file: str) -> tuple[Document, list[Problem]]:
    """Parse YAML text; return the document and any problems (never raises for bad input)."""
    doc = Document(file=file)
    try:
        nodes = list(yaml.compose_all(text, Loader=_LOADER))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = exc.problem or "this is not valid YAML"
        if exc.context:
            what = f"{exc.context}, {what}"
        hint = "check indentation, colons and quotes on this line and the one above"
        if "flow" in what and ("'?'" in what or "':'" in what):
            hint = ("a '?' or ':' inside [ ... ] confuses YAML: write the list as lines starting with '- ', "
                    "or put the text in quotes")
        return doc, [Problem(file, line, col, f"YAML syntax error: {what}", hint)]
    except yaml.YAMLError as exc:
        return doc, [Problem(file, 0, 0, f"YAML syntax error: {exc}")]
    nodes = [n for n in nodes if n is not None]
    if not nodes:
        return doc, [Problem(file, 1, 1, "the file is empty", "start from 'handbook new ID --model MODEL'")]
    if len(nodes) > 1:
        line, col = _mark(nodes[1])
        return doc, [Problem(file, line, col, "the file holds more than one YAML document ('---')",
                             "keep one programme per file")]
    root = nodes[0]
    if not isinstance(root, yaml.MappingNode):
        line, col = _mark(root)
        return doc, [Problem(file, line, col, f"a programme must be a mapping of keys, not {_KIND.get(type(root), 'this')}",
                             "start with 'id: your-programme'")]
    try:
        doc.data = _Walker(doc).walk(root, ())
    except _Refused as exc:
        doc.data = None
        return doc, [Problem(file, exc.mark.line + 1, exc.mark.column + 1, exc.message, exc.hint)]
    except RecursionError:
        return doc, [Problem(file, 1, 1, "the file is nested too deeply", "flatten the structure")]
    return doc, []


def load_file(path: Path, file: str | None = None) -> tuple[Document, list[Problem]]:
    file = file or path.as_posix()
    try:
        size = path.stat().st_size
    except OSError as exc:
        return Document(file=file), [Problem(file, 0, 0, f"cannot read the file: {exc.strerror}")]
    if size > MAX_FILE_BYTES:
        return Document(file=file), [Problem(file, 1, 1, f"the file is too large ({size} bytes)",
                                             f"a programme file stays under {MAX_FILE_BYTES} bytes")]
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return Document(file=file), [Problem(file, 1, 1, f"the file is not UTF-8 text (byte {exc.start})",
                                             "save it as UTF-8 in your editor")]
    except OSError as exc:
        return Document(file=file), [Problem(file, 0, 0, f"cannot read the file: {exc.strerror}")]
    return load_text(text, file)
