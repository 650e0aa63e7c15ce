"""``handbook init``: a new handbook repository that holds content only.

The generator and its theme stay in the installed package; the new repository gets one
scaffolded programme, a home page, the site settings, CI, a pre-commit hook and a README.
Every file is rendered from ``theme/scaffold/handbook/`` (so a team may restyle them too).
"""

from __future__ import annotations

import json
from pathlib import Path

from . import __version__
from .load import load_text
from .problems import format_problems
from .render import environment, labels
from .scaffold import scaffold
from .theme import Theme
from .validate import check_document

# template in theme/scaffold/handbook -> file in the new repository
FILES = {
    "mkdocs.yml.j2": "mkdocs.yml",
    "index.md.j2": "guides/index.md",
    "README.md.j2": "README.md",
    "requirements.txt.j2": "requirements.txt",
    "gitignore.j2": ".gitignore",
    "pre-commit-config.yaml.j2": ".pre-commit-config.yaml",
    "workflow.yml.j2": ".github/workflows/handbook.yml",
}


class NotEmpty(Exception):
    """The target folder already holds files; init never writes over anything."""


def init_repository(target: Path, *, model: str, language: str = "en", programme_id: str | None = None,
                    theme: Theme | None = None) -> list[Path]:
    """Write a content-only handbook repository into ``target`` (new or empty); returns the files written."""
    theme = theme or Theme.of(None)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise NotEmpty(f"{target} is not an empty folder")
    words = labels(theme, language)
    programme_id = programme_id or f"first-{model}-programme"
    programme = scaffold(programme_id, model, theme, language=language, status="published")
    doc, problems = load_text(programme, f"{programme_id}.yaml")
    if not problems:
        _, problems = check_document(doc, expected_id=programme_id)
    if problems:  # a bug in a scaffold, never the user's fault
        raise RuntimeError("scaffold is invalid: " + format_problems(problems))
    env = environment(theme)
    context = {"L": words, "site_name": words.text("init_site_name"), "language": language, "version": __version__}
    contents = {f"programs/{programme_id}.yaml": programme}
    for template, path in FILES.items():
        contents[path] = env.get_template(f"scaffold/handbook/{template}").render(context)
    from .model import json_schema

    contents["schema/program.schema.json"] = json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"
    written = []
    for path, text in contents.items():
        out = target / path
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(out, "x", encoding="utf-8") as handle:
            handle.write(text)
        written.append(out)
    return written
