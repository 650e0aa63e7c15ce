"""``handbook diff`` output: plain text for people, Markdown for a pull-request comment.

Short changes show old → new inline; long ones fold into a ``<details>`` block with a diff, so a
comment stays readable. Programme text is shown as code, never as Markdown or HTML of its own.
"""

from __future__ import annotations

from .diff import FileChange, ProgrammeChange, Report


def _version(c: ProgrammeChange) -> str:
    if c.status == "added":
        return f"added (v{c.new_version})"
    if c.status == "removed":
        return f"removed (was v{c.old_version})"
    if c.status == "invalid":
        return "invalid in NEW" + (f" (was v{c.old_version})" if c.old_version else "")
    if c.old_version != c.new_version:
        return f"v{c.old_version} → v{c.new_version}"
    return f"v{c.new_version} (version not raised)"


def _file_line(f: FileChange) -> str:
    kind = "guide" if f.area == "guides" else "theme file"
    where = f"{f.area}/{f.path}"
    return f"{kind} {where} {f.status}"


def _as_report(changes: Report | list[ProgrammeChange]) -> Report:
    return changes if isinstance(changes, Report) else Report(changes)


def format_text(changes: Report | list[ProgrammeChange]) -> str:
    report = _as_report(changes)
    if not report.programmes and not report.files:
        return "Nothing changed: no programme, guide or theme file."
    out = []
    for c in report.programmes:
        out.append(f"{c.id}: {_version(c)}")
        for change in c.changes:
            if c.status == "invalid":
                out.append(f"{c.id}: {change.text}")
                continue
            out.append(f"{c.id} {change.text}")
            out += [f"    - {line}" for line in _split(change.old)] + [f"    + {line}" for line in _split(change.new)]
    if report.programmes and report.files:
        out.append("")
    for f in report.files:
        out.append(_file_line(f))
        out += [f"    - {line}" for line in f.old] + [f"    + {line}" for line in f.new]
    if not report.programmes:
        out.insert(0, "No programme changed.")
    return "\n".join(out)


SHORT = 100  # characters of old + new text shown inline in markdown; longer ones fold into <details>


def _code(text: str) -> str:
    """Inline code that survives backticks in the text."""
    ticks = "`" * (max((len(run) for run in _backtick_runs(text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _backtick_runs(text: str) -> list[str]:
    runs, current = [], ""
    for ch in text:
        if ch == "`":
            current += ch
        elif current:
            runs.append(current)
            current = ""
    if current:
        runs.append(current)
    return runs


def _escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _split(texts: list[str]) -> list[str]:
    return [line for text in texts for line in text.splitlines() or [""]]


def _details(old: list[str], new: list[str], indent: str) -> list[str]:
    old, new = _split(old), _split(new)
    body = [f"- {line}" for line in old] + [f"+ {line}" for line in new]
    fence = "`" * max(3, max((len(r) for line in body for r in _backtick_runs(line)), default=0) + 1)
    summary = f"{len(old)} line(s) before, {len(new)} after" if (old or new) else "details"
    return ([f"{indent}<details><summary>{_escape_html(summary)}</summary>", ""] +
            [f"{indent}{fence}diff"] + [f"{indent}{line}" for line in body] + [f"{indent}{fence}", "",
                                                                               f"{indent}</details>"])


def _markdown_change(text: str, old: list[str], new: list[str], indent: str) -> list[str]:
    size = sum(len(line) for line in old + new)
    if not old and not new:
        return [f"{indent}- {_escape_html(text)}"]
    if len(old) <= 1 and len(new) <= 1 and size <= SHORT and "\n" not in "".join(old + new):
        before = _code(old[0]) if old else "—"
        after = _code(new[0]) if new else "—"
        return [f"{indent}- {_escape_html(text)}: {before} → {after}"]
    return [f"{indent}- {_escape_html(text)}"] + _details(old, new, indent + "  ")


def format_markdown(changes: Report | list[ProgrammeChange]) -> str:
    report = _as_report(changes)
    out = ["### Handbook changes", ""]
    if not report.programmes and not report.files:
        return "\n".join(out + ["Nothing changed: no programme, guide or theme file."])
    if not report.programmes:
        out += ["No programme changed.", ""]
    for c in report.programmes:
        title = _escape_html(c.title)
        if c.status == "added":
            out.append(f"- **{title}** (`{c.id}`): added, version {c.new_version}")
            continue
        if c.status == "removed":
            out.append(f"- **{title}** (`{c.id}`): removed (was version {c.old_version})")
            continue
        if c.status == "invalid":
            out.append(f"- **{title}** (`{c.id}`): ⚠️ {_escape_html(c.changes[0].text)}")
            continue
        version = f"{c.old_version} → {c.new_version}" if c.old_version != c.new_version else \
            f"{c.new_version} — ⚠️ version not raised"
        out.append(f"- **{title}** (`{c.id}`): {version}")
        for change in c.changes:
            out += _markdown_change(change.text, change.old, change.new, "  ")
    if report.files:
        out += ["", "#### Guides and theme", ""]
        for f in report.files:
            out += _markdown_change(_file_line(f), f.old, f.new, "")
    return "\n".join(out)
