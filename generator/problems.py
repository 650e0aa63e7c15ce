"""Problems found in user input, and the one formatter that prints them.

Exceptions are for bugs; problems are for users. Every step returns a list of
``Problem`` values and the CLI decides what to do with them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int  # 1-based; 0 when unknown
    column: int  # 1-based; 0 when unknown
    message: str
    hint: str = ""
    severity: str = "error"  # error | warning
    code: str = ""  # the rule's code in generator/rules.py, e.g. HB201
    source: str = ""  # the line of the file, shown with a caret under the column

    def text(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}:{self.column or 1}"
        out = f"{where}: {self.severity}: {self.message}"
        if self.hint:
            out += f"; {self.hint}"
        if self.code:
            out += f" [{self.code}]"
        if self.source and self.line:
            gutter = f"{self.line:>5} | "
            shown = self.source.expandtabs(1)  # a tab is one column wide in YAML's marks
            caret = " " * (len(gutter) - 2) + "| " + " " * max(self.column - 1, 0) + "^"
            out += f"\n{gutter}{shown}\n{caret}"
        return out

    def github(self) -> str:
        """A GitHub workflow command (message and properties escaped as GitHub's toolkit does)."""
        level = "error" if self.severity == "error" else "warning"
        props = [f"file={_escape_property(self.file)}"]
        if self.line:
            props.append(f"line={self.line}")
            props.append(f"col={self.column or 1}")
        if self.code:
            props.append(f"title={_escape_property(self.code)}")
        message = self.message + (f"; {self.hint}" if self.hint else "")
        return f"::{level} {','.join(props)}::{_escape_data(message)}"


def _escape_data(text: str) -> str:
    """GitHub workflow-command data: %, CR and LF are written %25, %0D, %0A."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """A workflow-command property value: as data, and ':' and ',' too (they end a property)."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def display_path(path: Path, root: Path | None = None) -> str:
    """A path as a designer would type it: relative to the project when possible."""
    root = root or Path.cwd()
    # the folder is resolved, not the file itself: a symbolic link is shown as the link, not its target
    try:
        return (path.parent.resolve() / path.name).relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def format_problems(problems: list[Problem], fmt: str = "text") -> str:
    lines = [p.github() if fmt == "github" else p.text() for p in sorted(problems)]
    return "\n".join(lines)


def problems_to_json(problems: list[Problem]) -> str:
    """Problems as JSON, to hand them from the site engine's process back to ``handbook build``."""
    return json.dumps([asdict(p) for p in problems])


def problems_from_json(text: str) -> list[Problem]:
    return [Problem(**item) for item in json.loads(text)]


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)
