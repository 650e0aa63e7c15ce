"""Pydantic's errors about a programme, as problems a designer can act on (rules HB201–HB209).

Types, unknown and missing keys come from the model (``generator.model``); this module turns each
of pydantic's errors into words, at the line of the key or value, with the closest allowed key as
a suggestion. A misspelt required key is reported once, as the typo.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from typing import Any

from pydantic import BaseModel

from .load import Document
from .model import Programme
from .problems import Problem
from .rules import problem

_TYPE_WORDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list (lines starting with '- ')",
    "dict_type": "a mapping (key: value lines)",
    "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)",
    "date_type": "a date written YYYY-MM-DD",
    "date_parsing": "a date written YYYY-MM-DD",
    "date_from_datetime_parsing": "a date written YYYY-MM-DD",
    "date_from_datetime_inexact": "a date written YYYY-MM-DD",
}

_PATTERN_WORDS = {
    "id": ("a slug: lowercase letters, digits and single hyphens", "e.g. 'digital-leaders'"),
    "version": ("a semantic version", "write three numbers such as 2.1.0"),
    "language": ("a language tag", "e.g. 'en' or 'fr-CA'"),
    "when": ("'before-kickoff', 'any' or 'week-N'", "e.g. 'week-3'"),
    "key": ("a short key: lowercase letters, digits, '_' or '-'", "e.g. 'time_bound'"),
    "time": ("a clock time HH:MM (24-hour)", "e.g. '09:30' or '14:00'"),
}


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"'{str(value).lower()}' (true/false)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    text = str(value)
    return f"'{text[:40]}…'" if len(text) > 40 else f"'{text}'"


def unwrap(annotation: Any) -> list[Any]:
    """The concrete types inside Annotated/Optional/Union annotations."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in unwrap(arg)]
    return [annotation]


def _model_at(path: tuple[Any, ...]) -> type[BaseModel] | None:
    """Which model class describes the mapping at ``path`` (to suggest key names)."""
    candidates: list[Any] = [Programme]
    for step in path:
        nxt: list[Any] = []
        for cand in candidates:
            origin = typing.get_origin(cand)
            if isinstance(cand, type) and issubclass(cand, BaseModel) and isinstance(step, str):
                for name, info in cand.model_fields.items():
                    if step in (name, info.alias):
                        nxt += unwrap(info.annotation)
            elif origin is list and isinstance(step, int):
                nxt += unwrap(typing.get_args(cand)[0])
            elif origin is dict and isinstance(step, str):
                nxt += unwrap(typing.get_args(cand)[1])
        candidates = nxt
    for cand in candidates:
        if isinstance(cand, type) and issubclass(cand, BaseModel):
            return cand
    return None


def _field_names(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _data_path(data: Any, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Keep only the loc segments that exist in the data (drops pydantic's union tags)."""
    path: list[Any] = []
    node = data
    for step in loc:
        if isinstance(node, dict) and isinstance(step, str) and step in node:
            node = node[step]
            path.append(step)
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
            path.append(step)
    return tuple(path)


def _error_to_problem(doc: Document, err: dict[str, Any]) -> Problem:
    loc = tuple(err["loc"])
    kind = err["type"]
    data = doc.data
    file = doc.file
    if kind == "missing":
        parent = _data_path(data, loc[:-1])
        name = str(loc[-1])
        line, col = doc.where(parent, key=True)
        where = f" in '{parent[-1]}'" if parent and isinstance(parent[-1], str) else ""
        if parent and isinstance(parent[-1], int) and len(parent) > 1:
            where = f" in item {parent[-1] + 1} of '{parent[-2]}'"
        return problem("HB202", file, line, col, key=name, where=where)
    path = _data_path(data, loc)
    name = next((str(s) for s in reversed(path) if isinstance(s, str)), "value")
    value = err.get("input")
    if kind == "extra_forbidden":
        line, col = doc.where(path, key=True)
        model = _model_at(path[:-1])
        allowed = _field_names(model) if model else []
        suggestion = suggest(str(path[-1]), allowed)
        fix = "fix the spelling" if suggestion else (
            f"allowed keys here: {', '.join(allowed)}" if allowed else "remove it")
        return problem("HB201", file, line, col, key=path[-1], suggestion=suggestion, fix=fix)
    # a list or mapping is best pointed at by its key; a single value by the value itself
    line, col = doc.where(path, key=isinstance(value, (list, dict)))
    if kind in _TYPE_WORDS:
        fix = ""
        if kind == "string_type" and isinstance(value, dict) and len(value) == 1:
            fix = "a ': ' inside the text made YAML read it as 'key: value'; put the whole text in quotes"
        return problem("HB203", file, line, col, key=name, expected=_TYPE_WORDS[kind], found=_describe(value), fix=fix)
    if kind == "literal_error":
        expected = re.findall(r"'([^']*)'", err.get("ctx", {}).get("expected", ""))
        return problem("HB204", file, line, col, key=name, found=_describe(value),
                       suggestion=suggest(str(value), expected), choices=", ".join(expected))
    if kind == "string_pattern_mismatch":
        form, fix = _PATTERN_WORDS.get(name, ("in the expected form", err["msg"]))
        return problem("HB205", file, line, col, key=name, form=form, found=_describe(value), fix=fix)
    if kind == "too_short":
        return problem("HB206", file, line, col, key=name, limit=err.get("ctx", {}).get("min_length"))
    if kind == "too_long":
        return problem("HB210", file, line, col, key=name, limit=err.get("ctx", {}).get("max_length"))
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return problem("HB207", file, line, col, key=name, detail=err["msg"].lower(), found=_describe(value))
    if kind == "string_too_short":
        return problem("HB208", file, line, col, key=name)
    return problem("HB209", file, line, col, key=name, detail=err["msg"])


def structure_problems(doc: Document, errors: list[dict[str, Any]]) -> list[Problem]:
    """Pydantic's errors as problems; a misspelt required key is reported once, as the typo."""
    typos: set[tuple[tuple[Any, ...], str]] = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            path = _data_path(doc.data, tuple(err["loc"]))
            model = _model_at(path[:-1])
            close = difflib.get_close_matches(str(path[-1]), _field_names(model) if model else [], n=1, cutoff=0.6)
            if close:
                typos.add((path[:-1], close[0]))
    out = []
    for err in errors:
        if err["type"] == "missing" and (_data_path(doc.data, tuple(err["loc"])[:-1]), str(err["loc"][-1])) in typos:
            continue
        out.append(_error_to_problem(doc, err))
    return out
