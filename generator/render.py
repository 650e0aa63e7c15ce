"""Shared rendering helpers: the Jinja2 environment over ``theme/`` and the one Markdown renderer.

Templates hold presentation; Python hands them plain data. Programme text is Markdown and is
turned into HTML by ``markdown_html`` only (raw HTML is never passed through).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import jinja2
import markdown as md
from markupsafe import Markup, escape

from . import participation
from .model import Programme, Session, training_exercises
from .sanitize import clean_html
from .theme import Theme

CADENCE_WEEKS = {"weekly": 1, "fortnightly": 2, "monthly": 4, "once": 1}


def _safe_markdown() -> md.Markdown:
    converter = md.Markdown(extensions=["sane_lists", "smarty"], output_format="html")
    # No raw HTML: block and inline HTML handlers are removed, so '<' is escaped as text.
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    return converter


_MD = _safe_markdown()


def unsanitized_markdown(text: str) -> str:
    """What the Markdown itself says (raw HTML escaped, not yet sanitized): for the validator's explanations."""
    return _MD.reset().convert(str(text))


def markdown_html(text: str | None, *, inline: bool = False) -> Markup:
    """Programme Markdown -> allow-listed HTML (raw HTML escaped, then sanitized). ``inline`` drops the outer <p>.

    Text that is already markup (the site's sanitized view of a programme) is returned as it is.
    """
    if isinstance(text, Markup):
        return text
    if not text:
        return Markup("")
    html = clean_html(_MD.reset().convert(str(text))).strip()
    if inline and html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)


def yaml_text(text: str) -> str:
    """A one-line YAML scalar, quoted only when plain style would be misread."""
    import json

    import yaml

    plain = str(text)
    try:
        if yaml.safe_load(plain) == plain and ": " not in plain and " #" not in plain:
            return plain
    except yaml.YAMLError:
        pass
    return json.dumps(plain, ensure_ascii=False)


def md_cell(text: str | None) -> str:
    """Text made safe for one Markdown table cell."""
    return re.sub(r"\s+", " ", str(text or "")).replace("|", "\\|").strip()


def md_indent(text: str | None, width: int = 4) -> str:
    """Indent every line after the first (for list items and tabs in generated Markdown)."""
    return str(text or "").strip().replace("\n", "\n" + " " * width)


def session_week(prog: Programme, session: Session) -> int:
    """The week of the programme in which a session falls (week 1 = kick-off)."""
    return 1 + (session.number - 1) * CADENCE_WEEKS[prog.schedule.cadence]


def programme_weeks(prog: Programme) -> int:
    return session_week(prog, prog.sessions[-1])


def count(n: int, word: str, plural: str | None = None) -> str:
    """'1 session', '3 sessions'."""
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def hours(value: float | None) -> str:
    if value is None:
        return ""
    whole, minutes = int(value), round((value - int(value)) * 60)
    if minutes == 60:
        whole, minutes = whole + 1, 0
    if whole and minutes:
        return f"{whole} h {minutes} min"
    return f"{whole} h" if whole else f"{minutes} min"


def clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def party_title(prog: Programme, ref: str | None, words: dict | None = None) -> str:
    """A role's title, or a special party ('coordinator', 'all') in words (see ``participation``)."""
    return participation.party_title(prog, ref, words)


def role_tasks(prog: Programme, session: Session, words: dict | None = None) -> list[participation.RoleTasks]:
    """Each role's prep steps and exercises for one session (and the coordinator's, if any)."""
    return list(participation.session_view(prog, session, words).tasks)


def training_rows(prog: Programme, role_id: str | None = None, words: dict | None = None) -> list[dict]:
    """Training modules (all, or those for one role) with their exercises and who takes them."""
    return [{"m": m, "exercises": training_exercises(m),
             "roles": [party_title(prog, r, words) for r in m.for_]}
            for m in participation.training_for(prog, role_id)]


def agenda_rows(prog: Programme, session: Session, words: dict | None = None) -> list[dict]:
    """The timed agenda with running clock times (0:00–0:10, …) and the lead's title."""
    rows, start = [], 0
    for item in session.agenda:
        rows.append({"start": clock(start), "end": clock(start + item.minutes),
                     "time": f"{clock(start)}–{clock(start + item.minutes)}", "minutes": item.minutes,
                     "step": item.step, "lead": party_title(prog, item.lead, words)})
        start += item.minutes
    return rows


class Labels(dict):
    """Words printed around programme content; ``labels.key`` in templates."""

    def __getattr__(self, key: str) -> str:
        try:
            return self[key]
        except KeyError:
            raise AttributeError(f"no label '{key}' in theme/labels/en.yaml") from None


def labels(theme_dir: Theme | Path, language: str = "en") -> Labels:
    """English labels, overlaid by the programme's language (``fr-CA`` -> fr.yaml, then fr-CA.yaml);
    a repository's own label files overlay the packaged ones key by key (see ``theme``)."""
    names = ["en"] + [n for n in dict.fromkeys([language.split("-")[0].lower(), language.lower()]) if n != "en"]
    paths = tuple(Theme.of(theme_dir).label_files(names))
    return _read_labels(paths, tuple(p.stat().st_mtime_ns for p in paths))  # edits show up in `serve`


@lru_cache(maxsize=32)
def _read_labels(paths: tuple[Path, ...], mtimes: tuple[int, ...]) -> Labels:
    import yaml

    merged: dict[str, str] = {}
    for path in paths:
        merged.update(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    return Labels(merged)


def model_title(prog: Programme, words: Labels) -> str:
    return words.get("model_" + prog.model.replace("-", "_"), prog.model_title)


def programme_context(prog: Programme, theme_dir: Theme | Path) -> dict:
    """What every page and document of a programme shows the same way, in its language."""
    words = labels(theme_dir, prog.language)
    return {
        "p": prog,
        "L": words,
        "model_title": model_title(prog, words),
        "cadence_words": words["cadence_" + prog.schedule.cadence],
        "weeks": programme_weeks(prog),
        "goal_owners": [party_title(prog, o, words) for o in prog.goal_format.owner],
    }


def page_words(words: Labels) -> tuple[str, str, str]:
    """The words around the page numbers in 'Page x of y' (print CSS puts the counters between them)."""
    before, _, rest = words.page_of.partition("{page}")
    middle, _, after = rest.partition("{pages}")
    return before, middle, after


def fmt(template: str, **values) -> str:
    return str(template).format(**values)


def environment(theme_dir: Theme | Path) -> jinja2.Environment:
    """The Jinja environment over a theme: each template from the repository's theme/ if it has it, else the package's."""
    return _environment(Theme.of(theme_dir))


@lru_cache(maxsize=8)
def _environment(theme: Theme) -> jinja2.Environment:
    # compiled templates are kept on disk: every PDF worker is a fresh process and would
    # otherwise compile the same templates again (Jinja's per-user folder in the temporary directory;
    # entries are keyed by each template's source, so every project can share it)
    try:
        bytecode_cache = jinja2.FileSystemBytecodeCache()
    except OSError:
        bytecode_cache = None
    env = jinja2.Environment(
        loader=theme.loader(),
        bytecode_cache=bytecode_cache,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2", "svg.j2"), default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        markdown=markdown_html,
        inline=lambda text: markdown_html(text, inline=True),
        cell=md_cell,
        mdindent=md_indent,
        hours=hours,
        count=count,
        fmt=fmt,
        clock=clock,
        esc=escape,
        yaml=yaml_text,
        yaml_quoted=lambda text: __import__("json").dumps(str(text), ensure_ascii=False),
    )
    return env
