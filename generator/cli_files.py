"""Verbs of the ``handbook`` command that write files: new, init, calendar."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .problems import format_problems, has_errors
from .project import Project
from .settings import Settings, SettingsError


def new(args: argparse.Namespace) -> int:
    import re

    from .load import load_text
    from .scaffold import scaffold
    from .validate import check_document

    project = Project.find()
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", args.id):
        print(f"handbook: error: '{args.id}' is not a valid id: use lowercase letters, digits and hyphens", file=sys.stderr)
        return 2
    target = project.programs_dir / f"{args.id}.yaml"
    if target.exists():
        print(f"handbook: error: {target.relative_to(project.root)} already exists; choose another id", file=sys.stderr)
        return 1
    text = scaffold(args.id, args.model, project.theme)
    doc, problems = load_text(text, target.name)
    if not problems:
        _, problems = check_document(doc, expected_id=args.id)
    if problems:  # a bug in a scaffold, never the user's fault
        raise RuntimeError("scaffold is invalid: " + format_problems(problems))
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8") as handle:
        handle.write(text)
    print(target.relative_to(project.root))
    print(f"Wrote a starting point for model '{args.model}'; edit it, then run 'handbook validate'.", file=sys.stderr)
    return 0


def init(args: argparse.Namespace) -> int:
    import re

    from .starter import NotEmpty, init_repository

    target = Path(args.dir)
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", args.language):
        print(f"handbook: error: --language '{args.language}' is not a language code (e.g. en, fr, fr-CA)", file=sys.stderr)
        return 2
    try:
        written = init_repository(target, model=args.model, language=args.language)
    except NotEmpty:
        print(f"handbook: error: {args.dir} is not empty; 'handbook init' only writes into a new or empty folder "
              f"(nothing was touched)", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"handbook: error: cannot write {exc.filename or args.dir}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    for path in written:
        print(path.relative_to(target).as_posix())
    print(f"Wrote a handbook repository in {args.dir}/ (generator {__version__}). Next:\n"
          f"  cd {args.dir}\n  handbook serve     # preview while you edit\n"
          f"  handbook build     # the site and every PDF workbook into site/", file=sys.stderr)
    return 0


def load_one(project: Project, programme_id: str):
    from .validate import load_programmes

    path = project.programs_dir / f"{programme_id}.yaml"
    if not path.is_file():
        print(f"handbook: error: no programme '{programme_id}' (looked for {path.relative_to(project.root)})", file=sys.stderr)
        return None, 2
    loaded, problems = load_programmes([path], guides_dir=project.guides_dir, root=project.root)
    if has_errors(problems):
        print(format_problems(problems))
        return None, 1
    return loaded[0].programme, 0


def calendar(args: argparse.Namespace) -> int:
    import datetime as dt
    import zoneinfo

    from .calendar import build_calendar

    project = Project.find()
    try:
        start = dt.date.fromisoformat(args.start)
    except ValueError:
        print(f"handbook: error: --start '{args.start}' is not a date written YYYY-MM-DD", file=sys.stderr)
        return 2
    if not 1900 <= start.year <= 2999:
        print(f"handbook: error: --start {args.start} is not a plausible date (years 1900 to 2999)", file=sys.stderr)
        return 2
    time = None
    if args.time:
        try:
            time = dt.time.fromisoformat(args.time)
        except ValueError:
            print(f"handbook: error: --time '{args.time}' is not a time written HH:MM", file=sys.stderr)
            return 2
    if args.tz:
        try:
            zoneinfo.ZoneInfo(args.tz)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            print(f"handbook: error: --tz '{args.tz}' is not a time zone (e.g. Europe/London)", file=sys.stderr)
            return 2
    prog, code = load_one(project, args.id)
    if prog is None:
        return code
    try:
        site_url = args.site_url or Settings.from_environment().site_url or "http://127.0.0.1:8000/"
    except SettingsError as exc:
        print(f"handbook: error: {exc}", file=sys.stderr)
        return 2
    data = build_calendar(prog, start, time=time, tz=args.tz, site_url=site_url, theme_dir=project.theme_dir)
    if args.out and args.out != "-":
        Path(args.out).write_bytes(data)
        print(f"Wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(data.decode("utf-8"))
    return 0
