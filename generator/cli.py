"""The ``handbook`` command: verbs that say what happens.

Exit codes: 0 all well, 1 problems in the input, 2 usage errors. Progress goes to stderr,
results to stdout. User mistakes are printed as problems, never as tracebacks.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import __version__
from .problems import format_problems, has_errors
from .project import Project

EXAMPLES = {
    "new": "examples:\n  handbook new digital-leaders --model reverse-technical\n  handbook new spring-circle --model circle",
    "calendar": "examples:\n  handbook calendar digital-leaders --start 2027-01-11\n"
                "  handbook calendar digital-leaders --start 2027-01-11 --time 09:30 --tz Europe/London --out cohort.ics",
    "publish": "examples:\n  handbook publish 2.0 --alias latest\n  handbook publish --list",
    "diff": "examples:\n  handbook diff HEAD~1 HEAD\n  handbook diff origin/main HEAD --format markdown\n"
            "  handbook diff old-programs/ programs/",
    "build": "examples:\n  handbook build\n  handbook build --out public --drafts --paper letter --jobs 2",
    "serve": "example:\n  handbook serve --drafts",
    "validate": "examples:\n  handbook validate\n  handbook validate programs/digital-leaders.yaml --format github",
    "schema": "example:\n  handbook schema > schema/program.schema.json",
    "lint": "examples:\n  handbook lint\n  handbook lint programs/digital-leaders.yaml\n"
            "  handbook lint --strict programs        (exit 1 on any warning, for CI)\n"
            "  handbook lint --format github\n\nrules:\n{rules}",
    "labels": "examples:\n  handbook labels check fr\n  handbook labels check fr-CA",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2 without a traceback
        self.print_usage(sys.stderr)
        print(f"handbook: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _validate(args: argparse.Namespace) -> int:
    from .validate import check_guides, load_programmes

    project = Project.find()
    paths = [Path(p) for p in args.paths] or [project.programs_dir]
    loaded, problems = load_programmes(paths, guides_dir=project.guides_dir, root=project.root)
    if not args.paths:  # the whole handbook: the hand-written guides too
        problems += check_guides(project.guides_dir, project.root)
    if problems:
        print(format_problems(problems, args.format))
    ok = sum(1 for item in loaded if item.programme is not None)
    print(f"{ok} of {len(loaded)} programme file(s) valid", file=sys.stderr)
    return 1 if has_errors(problems) or not loaded else 0


def _lint(args: argparse.Namespace) -> int:
    from .lint import lint_paths

    project = Project.find()
    paths = [Path(p) for p in args.paths] or [project.programs_dir]
    files, problems = lint_paths(paths, guides_dir=project.guides_dir, root=project.root)
    if problems:
        print(format_problems(problems, args.format))
    warnings = sum(1 for p in problems if p.severity == "warning")
    print(f"{warnings} warning(s) in {files} programme file(s)", file=sys.stderr)
    if has_errors(problems) or not files:
        return 1
    return 1 if args.strict and warnings else 0


def _schema(args: argparse.Namespace) -> int:
    from .model import json_schema

    print(json.dumps(json_schema(), indent=2, sort_keys=True))
    return 0


def _build(args: argparse.Namespace) -> int:
    from .build import BuildFailed, BuildOptions, build

    project = Project.find()
    options = BuildOptions(out=Path(args.out), drafts=args.drafts, pdfs=not args.no_pdfs, jobs=args.jobs,
                           paper=args.paper, verbose=args.verbose)
    print(f"Building the handbook into {args.out}/ …", file=sys.stderr)
    try:
        problems = build(project, options)
        if problems is None:
            print(f"Nothing changed since the last build: {args.out}/ is up to date", file=sys.stderr)
            return 0
    except BuildFailed as exc:
        print(f"handbook: {exc}; the previous output in {args.out}/ is unchanged", file=sys.stderr)
        return 1
    if problems:
        print(format_problems(problems))
    if has_errors(problems):
        print(f"handbook: nothing was built; fix the problems above (the previous output in {args.out}/ is unchanged)",
              file=sys.stderr)
        return 1
    print(f"Built {args.out}/", file=sys.stderr)
    return 0


def _serve(args: argparse.Namespace) -> int:
    import subprocess

    from .build import BuildOptions, engine_env

    project = Project.find()
    env = engine_env(BuildOptions(out=project.root / "site", drafts=args.drafts, pdfs=False))
    command = [sys.executable, "-m", "mkdocs", "serve", "-f", str(project.root / "mkdocs.yml"), "-a", args.addr]
    try:
        return subprocess.call(command, cwd=project.root, env=env)
    except KeyboardInterrupt:
        return 0


def _new(args: argparse.Namespace) -> int:
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
    text = scaffold(args.id, args.model, project.theme_dir)
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


def _load_one(project: Project, programme_id: str):
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


def _calendar(args: argparse.Namespace) -> int:
    import datetime as dt
    import os
    import zoneinfo

    from .calendar import build_calendar

    project = Project.find()
    try:
        start = dt.date.fromisoformat(args.start)
    except ValueError:
        print(f"handbook: error: --start '{args.start}' is not a date written YYYY-MM-DD", file=sys.stderr)
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
    prog, code = _load_one(project, args.id)
    if prog is None:
        return code
    site_url = args.site_url or os.environ.get("HANDBOOK_SITE_URL") or "http://127.0.0.1:8000/"
    data = build_calendar(prog, start, time=time, tz=args.tz, site_url=site_url, theme_dir=project.theme_dir)
    if args.out and args.out != "-":
        Path(args.out).write_bytes(data)
        print(f"Wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(data.decode("utf-8"))
    return 0


def _publish(args: argparse.Namespace) -> int:
    from .publish import PublishError, editions, publish
    from .validate import load_programmes

    project = Project.find()
    if args.list:
        try:
            found = editions(project, args.branch)
        except PublishError as exc:
            print(f"handbook: error: {exc}", file=sys.stderr)
            return 1
        if not found:
            print(f"No editions on branch {args.branch} yet.", file=sys.stderr)
        for edition in found:
            aliases = f" [{', '.join(edition['aliases'])}]" if edition["aliases"] else ""
            print(f"{edition['version']}{aliases}")
        return 0
    if not args.version:
        print("handbook: error: give the edition to publish, e.g. 'handbook publish 2.0 --alias latest'", file=sys.stderr)
        return 2
    _, problems = load_programmes([project.programs_dir], guides_dir=project.guides_dir, root=project.root)
    if has_errors(problems):
        print(format_problems(problems))
        return 1
    try:
        if args.if_new and any(e["version"] == args.version for e in editions(project, args.branch)):
            print(f"Edition {args.version} is already published; nothing to do (raise the edition to publish)",
                  file=sys.stderr)
            return 0
        publish(project, args.version, args.alias, branch=args.branch, force=args.force, push=args.push,
                allow_dirty=args.allow_dirty)
    except PublishError as exc:
        print(f"handbook: error: {exc}", file=sys.stderr)
        return 1
    print(f"Published edition {args.version} on branch {args.branch}", file=sys.stderr)
    return 0


def _diff(args: argparse.Namespace) -> int:
    from .diff import DiffError, diff, load
    from .diff_output import format_markdown, format_text

    project = Project.find()
    try:
        old = load(args.old, project.root)
        new = load(args.new, project.root)
    except DiffError as exc:
        print(f"handbook: error: {exc}", file=sys.stderr)
        return 2
    if old.problems or new.problems:
        print(format_problems(old.problems + new.problems), file=sys.stderr)
    report = diff(old, new)
    print(format_markdown(report) if args.format == "markdown" else format_text(report))
    return 1 if has_errors(new.problems) else 0


def _labels(args: argparse.Namespace) -> int:
    import re

    from .labels import FALLBACK, check, label_files

    project = Project.find()
    theme_dir = project.theme_dir
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", args.language):
        print(f"handbook: error: '{args.language}' is not a language tag (e.g. fr or fr-CA)", file=sys.stderr)
        return 2
    if FALLBACK not in label_files(theme_dir / "labels"):
        print(f"handbook: error: no {theme_dir / 'labels' / (FALLBACK + '.yaml')}", file=sys.stderr)
        return 2
    report = check(theme_dir, args.language)

    def shown(path: Path) -> str:
        try:
            return str(path.relative_to(project.root))
        except ValueError:
            return str(path)

    files = ", ".join(shown(p) for p in report.files) or f"no file of its own (everything falls back to {FALLBACK}.yaml)"
    print(f"Labels for {args.language}: {files}")
    for title, keys, hint in (
            ("missing", report.missing, f"translate them in theme/labels/{args.language.split('-')[0].lower()}.yaml"),
            ("used but not in en.yaml", report.undefined, "add them to theme/labels/en.yaml"),
            ("unused", report.unused, "no template or code reads them; remove them or use them")):
        if keys:
            print(f"{len(keys)} {title} ({hint}):")
            for key in keys:
                print(f"  {key}")
    if report.ok:
        print(f"No missing keys ({len(report.unused)} unused).", file=sys.stderr)
    return 0 if report.ok else 1


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="handbook", description="Build mentoring-programme handbooks (site + PDF workbooks) from YAML.")
    parser.add_argument("--version", action="version", version=f"handbook {__version__}")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", parser_class=_Parser)
    verbs.required = True

    def verb(name: str, help_: str) -> argparse.ArgumentParser:
        return verbs.add_parser(name, help=help_, description=help_, epilog=EXAMPLES.get(name),
                                formatter_class=argparse.RawDescriptionHelpFormatter)

    p = verb("validate", "Check programme files against the format; print every problem with file:line:column.")
    p.add_argument("paths", nargs="*", help="files or folders (default: programs/)")
    p.add_argument("--format", choices=["text", "github"], default="text",
                   help="text for people, github for workflow annotations (default: text)")
    p.set_defaults(func=_validate)

    from .lint import rules_text

    EXAMPLES["lint"] = EXAMPLES["lint"].replace("{rules}", rules_text())
    p = verb("lint", "Warn about programme designs that would not work in practice (file:line, rule code, fix).")
    p.add_argument("paths", nargs="*", help="files or folders (default: programs/)")
    p.add_argument("--strict", action="store_true", help="exit 1 when there is any warning (default: 0)")
    p.add_argument("--format", choices=["text", "github"], default="text",
                   help="text for people, github for workflow annotations (default: text)")
    p.set_defaults(func=_lint)

    p = verb("build", "Build the handbook site and every PDF workbook into one folder (atomically).")
    p.add_argument("--out", default="site", help="output folder (default: site)")
    p.add_argument("--drafts", action="store_true", help="include programmes with status: draft")
    p.add_argument("--jobs", type=int, default=None, help="PDF worker processes (default: number of cores)")
    p.add_argument("--paper", choices=["a4", "letter"], default="a4", help="paper size of the PDFs (default: a4)")
    p.add_argument("--no-pdfs", action="store_true", help="build the site only (faster previews)")
    p.add_argument("-v", "--verbose", action="store_true", help="show the site engine's log")
    p.set_defaults(func=_build)

    p = verb("serve", "Preview the site with live reload when a programme, guide or theme file changes.")
    p.add_argument("--drafts", action="store_true", help="include programmes with status: draft")
    p.add_argument("--addr", default="127.0.0.1:8000", help="address to serve on (default: 127.0.0.1:8000)")
    p.set_defaults(func=_serve)

    p = verb("new", "Write programs/ID.yaml: a complete, valid starting point for a mentoring model.")
    p.add_argument("id", help="programme id (lowercase letters, digits, hyphens)")
    from .scaffold import PRESETS

    p.add_argument("--model", required=True, choices=sorted(PRESETS), metavar="MODEL",
                   help="one of: " + ", ".join(sorted(PRESETS)))
    p.set_defaults(func=_new)

    p = verb("calendar", "Write an iCalendar file of a cohort's sessions and check-ins.")
    p.add_argument("id", help="programme id")
    p.add_argument("--start", required=True, help="date of the first session, YYYY-MM-DD")
    p.add_argument("--time", help="start time HH:MM (default: all-day events)")
    p.add_argument("--tz", help="time zone for --time, e.g. Europe/London (default: floating local time)")
    p.add_argument("--out", help="file to write (default: standard output)")
    p.add_argument("--site-url", help="handbook address for links (default: $HANDBOOK_SITE_URL)")
    p.set_defaults(func=_calendar)

    p = verb("publish", "Build the current tree and deploy it as an edition on the gh-pages branch (with mike).")
    p.add_argument("version", nargs="?", help="edition name, e.g. 2.0")
    p.add_argument("--alias", action="append", default=[], help="alias to point at this edition, e.g. latest (repeatable)")
    p.add_argument("--branch", default="gh-pages", help="branch that holds the editions (default: gh-pages)")
    p.add_argument("--list", action="store_true", help="list the published editions and exit")
    p.add_argument("--force", action="store_true", help="rebuild an edition that is already published (never in CI)")
    p.add_argument("--if-new", action="store_true",
                   help="do nothing (exit 0) when the edition is already published, e.g. on every push to main")
    p.add_argument("--allow-dirty", action="store_true",
                   help="publish even with uncommitted changes (the edition then matches no commit)")
    p.add_argument("--push", action="store_true", help="push the branch after deploying")
    p.set_defaults(func=_publish)

    p = verb("diff", "Summarise what changed between two versions of the handbook (programmes, guides, theme), "
                     "who is affected, and the old and new text.")
    p.add_argument("old", help="git revision, file or folder")
    p.add_argument("new", help="git revision, file or folder")
    p.add_argument("--format", choices=["text", "markdown"], default="text",
                   help="text for people, markdown for a pull-request comment (default: text)")
    p.set_defaults(func=_diff)

    p = verb("labels", "Check a language's label file: list keys it misses (or plural forms) and keys nothing uses.")
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    actions.required = True
    q = actions.add_parser("check", help="list missing and unused keys of LANG (exit 1 if any are missing)",
                           description="List missing and unused keys of LANG (exit 1 if any are missing).")
    q.add_argument("language", metavar="LANG", help="language tag, e.g. fr or fr-CA")
    q.set_defaults(func=_labels)

    p = verb("schema", "Print the JSON Schema of a programme file (for editor autocompletion).")
    p.set_defaults(func=_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("handbook: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
