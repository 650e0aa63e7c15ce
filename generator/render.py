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
from .labels import Labels, goal_key, labels, model_key
from .model import BUILTIN_GOAL_FIELDS, GoalField, GoalFormat, Programme, Session, training_exercises
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
    html = clean_html(unsanitized_markdown(text)).strip()
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


def party_title(prog: Programme, ref: str | None, words: Labels) -> str:
    """A role's title, or a special party ('coordinator', 'all') in words (see ``participation``)."""
    return participation.party_title(prog, ref, words)


def role_tasks(prog: Programme, session: Session, words: Labels) -> list[participation.RoleTasks]:
    """Each role's prep steps and exercises for one session (and the coordinator's, if any)."""
    return list(participation.session_view(prog, session, words).tasks)


def training_when(when: str, words: Labels) -> str:
    """'before-kickoff', 'any', 'week-3' in words."""
    if when.startswith("week-"):
        return words.text("when_week", n=words.number(int(when.removeprefix("week-"))))
    return words.text("when_" + when.replace("-", "_"))


def training_rows(prog: Programme, role_id: str | None, words: Labels) -> list[dict]:
    """Training modules (all, or those for one role) with their exercises, who takes them and when."""
    return [{"m": m, "exercises": training_exercises(m),
             "roles": [party_title(prog, r, words) for r in m.for_], "when": training_when(m.when, words)}
            for m in participation.training_for(prog, role_id)]


def agenda_rows(prog: Programme, session: Session, words: Labels) -> list[dict]:
    """The timed agenda with running clock times (0:00–0:10, …) and the lead's title."""
    rows, start = [], 0
    for item in session.agenda:
        begin, end = words.clock(start), words.clock(start + item.minutes)
        rows.append({"start": begin, "end": end, "time": f"{begin}–{end}", "minutes": item.minutes,
                     "step": item.step, "lead": party_title(prog, item.lead, words)})
        start += item.minutes
    return rows


def model_title(prog: Programme, words: Labels) -> str:
    return words.text(model_key(prog.model))


def goal_fields(fmt: GoalFormat, words: Labels) -> list[GoalField]:
    """The effective fields of a goal format: built-ins in the programme's language, overridden or
    extended by the programme's own fields (key: label, prompt)."""
    fields = [GoalField(key=k, label=words.text(goal_key(fmt.name, k)), prompt=words.text(goal_key(fmt.name, k) + "_prompt"))
              for k in BUILTIN_GOAL_FIELDS[fmt.name]]
    by_key = {f.key: i for i, f in enumerate(fields)}
    for own in fmt.fields:
        if own.key in by_key:
            base = fields[by_key[own.key]]
            fields[by_key[own.key]] = GoalField(key=own.key, label=own.label or base.label, prompt=own.prompt or base.prompt)
        else:
            fields.append(GoalField(key=own.key, label=own.label or own.key.replace("_", " ").capitalize(),
                                    prompt=own.prompt))
    return fields


def builtin_goal_example(fmt: GoalFormat, words: Labels) -> list[dict]:
    """The built-in format's worked example (one line per field), shown when a programme gives none."""
    return [{"label": words.text(goal_key(fmt.name, k)), "text": words.text(goal_key(fmt.name, k) + "_example")}
            for k in BUILTIN_GOAL_FIELDS[fmt.name]]


def programme_context(prog: Programme, theme_dir: Theme | Path, language: str | None = None) -> dict:
    """What every page and document of a programme shows the same way, in its language
    (or in ``language``: the home page's catalogue speaks the site's language)."""
    words = labels(theme_dir, language or prog.language)
    return {
        "p": prog,
        "L": words,
        "language": words.language,
        "model_title": model_title(prog, words),
        "cadence_words": words.text("cadence_" + prog.schedule.cadence),
        "weeks": programme_weeks(prog),
        "goal_owners": [party_title(prog, o, words) for o in prog.goal_format.owner],
    }


def page_words(words: Labels) -> tuple[str, str, str]:
    """The words around the page numbers in 'Page x of y' (print CSS puts the counters between them)."""
    before, _, rest = words.text("page_of").partition("{page}")
    middle, _, after = rest.partition("{pages}")
    return before, middle, after


def fmt(template: str, **values) -> str:
    return str(template).format(**values)


def environment(theme_dir: Theme | Path) -> jinja2.Environment:
    """The Jinja environment over a theme: each template from the repository's theme/ if it has it, else the package's."""
    return _environment(Theme.of(theme_dir))


@lru_cache(maxsize=1)
def template_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept on disk (Jinja's per-user folder in the temporary directory), keyed by
    each template's source: PDF workers and preview rebuilds do not compile the same templates again."""
    try:
        return jinja2.FileSystemBytecodeCache()
    except OSError:
        return None


@lru_cache(maxsize=8)
def _environment(theme: Theme) -> jinja2.Environment:
    bytecode_cache = template_cache()
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
        fmt=fmt,
        first_upper=lambda text: str(text)[:1].upper() + str(text)[1:],
        esc=escape,
        yaml=yaml_text,
        yaml_quoted=lambda text: __import__("json").dumps(str(text), ensure_ascii=False),
    )
    return env
