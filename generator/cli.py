"""The ``handbook`` command: verbs that say what happens.

Exit codes: 0 all well, 1 problems in the input, 2 usage errors. Progress goes to stderr,
results to stdout. User mistakes are printed as problems, never as tracebacks.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from pathlib import Path

from . import __version__
from .problems import format_problems, has_errors
from .project import Project
from .settings import Settings, SettingsError

EXAMPLES = {
    "new": "examples:\n  handbook new digital-leaders --model reverse-technical\n  handbook new spring-circle --model circle",
    "calendar": "examples:\n  handbook calendar digital-leaders --start 2027-01-11\n"
                "  handbook calendar digital-leaders --start 2027-01-11 --time 09:30 --tz Europe/London --out cohort.ics",
    "publish": "examples:\n  handbook publish 2.0 --alias latest\n  handbook publish --list",
    "diff": "examples:\n  handbook diff HEAD~1 HEAD\n  handbook diff origin/main HEAD --format markdown\n"
            "  handbook diff old-programs/ programs/",
    "init": "examples:\n  handbook init our-handbook\n  handbook init manuel --model circle --language fr",
    "build": "examples:\n  handbook build\n  handbook build --out public --drafts --paper letter --jobs 2\n"
             "  handbook build --engine zensical --out site-zensical",
    "serve": "examples:\n  handbook serve --drafts\n  handbook serve programs/digital-leaders.yaml --addr 127.0.0.1:8001",
    "validate": "examples:\n  handbook validate\n  handbook validate programs/digital-leaders.yaml --format github",
    "schema": "example:\n  handbook schema > schema/program.schema.json",
    "lint": "examples:\n  handbook lint\n  handbook lint programs/digital-leaders.yaml\n"
            "  handbook lint --strict programs        (exit 1 on any warning, for CI)\n"
            "  handbook lint --format github\n\nrules:\n{rules}",
    "labels": "examples:\n  handbook labels check fr\n  handbook labels check fr-CA",
}


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not '{text}'") from None
    if not 1 <= value <= 256:
        raise argparse.ArgumentTypeError(f"must be between 1 and 256, not {value}")
    return value


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2 without a traceback
        self.print_usage(sys.stderr)
        print(f"handbook: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _validate(args: argparse.Namespace) -> int:
    from .guides import check_guides
    from .validate import load_programmes

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


def _engine_ready(engine: str) -> bool:
    """Zensical is an optional extra; say how to install it rather than fail inside the build."""
    if engine == "zensical":
        from .zensical_engine import available

        if not available():
            print("handbook: error: --engine zensical needs Zensical: pip install -e '.[zensical]'", file=sys.stderr)
            return False
    return True


def _build(args: argparse.Namespace) -> int:
    from .build import BuildFailed, BuildOptions, Interrupted, OutputRefused, build

    try:
        settings = Settings.from_environment().with_(drafts=args.drafts, pdfs=not args.no_pdfs, paper=args.paper,
                                                     jobs=args.jobs or 0, output=Path(args.out))
    except SettingsError as exc:
        print(f"handbook: error: {exc}", file=sys.stderr)
        return 2
    if not _engine_ready(args.engine):
        return 2
    project = Project.find(cache=settings.cache)
    options = BuildOptions(out=Path(args.out), settings=settings, verbose=args.verbose, engine=args.engine)
    print(f"Building the handbook into {args.out}/ with {args.engine} …", file=sys.stderr)
    try:
        problems = build(project, options, notify=lambda message: print(message, file=sys.stderr))
        if problems is None:
            print(f"Nothing changed since the last build: {args.out}/ is up to date", file=sys.stderr)
            return 0
    except OutputRefused as exc:
        print(f"handbook: refusing to build there: {exc}; nothing was touched", file=sys.stderr)
        return 2
    except Interrupted as exc:
        print(f"handbook: stopped ({exc}); the previous output in {args.out}/ is unchanged", file=sys.stderr)
        return 130
    except BuildFailed as exc:
        print(f"handbook: {exc}; the previous output in {args.out}/ is unchanged", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"handbook: cannot write the output: {exc.strerror or exc} ({exc.filename or args.out}); "
              f"the previous output in {args.out}/ is unchanged", file=sys.stderr)
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
    import signal
    import subprocess

    from .build import engine_env

    ids = []
    for given in args.programmes:  # a file (programs/x.yaml) or an id (x)
        pid = Path(given).stem if given.endswith((".yaml", ".yml")) else given
        ids.append(pid)
    try:
        settings = Settings.from_environment().with_(drafts=args.drafts, pdfs=False, preview=True,
                                                     only=",".join(ids) or None)
    except SettingsError as exc:
        print(f"handbook: error: {exc}", file=sys.stderr)
        return 2
    project = Project.find(cache=settings.cache)
    missing = [pid for pid in ids if not (project.programs_dir / f"{pid}.yaml").is_file()]
    if missing:
        print(f"handbook: error: no programme file programs/{missing[0]}.yaml", file=sys.stderr)
        return 2
    if not _engine_ready(args.engine):
        return 2
    front = None
    if args.engine == "zensical":  # it has a front door of its own (pages' policy, PDFs on demand)
        command = [sys.executable, "-m", "generator.zensical_engine", "serve", "--addr", args.addr]
    else:  # MkDocs on a private port; our front door answers PDF links by rendering them on demand
        from . import preview_proxy
        from .workbook import preview_pdf

        private = ("127.0.0.1", preview_proxy.free_port())
        command = [sys.executable, "-m", "mkdocs", "serve", "-f", str(project.root / "mkdocs.yml"),
                   "-a", f"{private[0]}:{private[1]}"]
        front = preview_proxy.serve(args.addr, private, lambda path, html: html,  # MkDocs finished the page
                                    preview_proxy.pdfs_on_demand(functools.partial(preview_pdf, project, settings)))
        print(f"INFO - serving the preview on http://{args.addr}/", file=sys.stderr)
    engine = subprocess.Popen(command, cwd=project.root, env=engine_env(settings))

    def stop(signum, frame):  # stopping `handbook serve` (Ctrl-C, or its PID) stops the engine too
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    try:
        return engine.wait()
    except KeyboardInterrupt:
        engine.terminate()
        try:
            engine.wait(10)
        except subprocess.TimeoutExpired:
            engine.kill()
        return 0
    finally:
        if front is not None:
            front.shutdown()
            front.server_close()


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


def _init(args: argparse.Namespace) -> int:
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
    prog, code = _load_one(project, args.id)
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


def _publish(args: argparse.Namespace) -> int:
    from .publish import PublishError, editions, publish
    from .validate import load_programmes

    if args.engine == "zensical":  # editions are mike's, and mike drives MkDocs
        from .zensical_engine import PUBLISH_NOTICE

        print(PUBLISH_NOTICE, file=sys.stderr)
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

    from .labels import FALLBACK, chain_files, check

    project = Project.find()
    theme_dir = project.theme_dir
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", args.language):
        print(f"handbook: error: '{args.language}' is not a language tag (e.g. fr or fr-CA)", file=sys.stderr)
        return 2
    if not chain_files(theme_dir, [FALLBACK]):
        print(f"handbook: error: no theme/labels/{FALLBACK}.yaml in the theme", file=sys.stderr)
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
    p.add_argument("--jobs", type=_positive, default=None, help="PDF worker processes (default: number of cores)")
    p.add_argument("--paper", choices=["a4", "letter"], default="a4", help="paper size of the PDFs (default: a4)")
    p.add_argument("--no-pdfs", action="store_true", help="build the site only (faster previews)")
    p.add_argument("-v", "--verbose", action="store_true", help="show the site engine's log")
    p.add_argument("--engine", choices=["mkdocs", "zensical"], default="mkdocs",
                   help="site engine: mkdocs (MkDocs + Material, default) or zensical (pip install '.[zensical]')")
    p.set_defaults(func=_build)

    p = verb("serve", "Preview the site with live reload when a programme, guide or theme file changes.")
    p.add_argument("programmes", nargs="*", metavar="PROGRAMME",
                   help="preview only these programmes (files or ids): much faster with a large library")
    p.add_argument("--drafts", action="store_true", help="include programmes with status: draft")
    p.add_argument("--addr", default="127.0.0.1:8000", help="address to serve on (default: 127.0.0.1:8000)")
    p.add_argument("--engine", choices=["mkdocs", "zensical"], default="mkdocs",
                   help="site engine: mkdocs (default) or zensical (pip install '.[zensical]')")
    p.set_defaults(func=_serve)

    p = verb("new", "Write programs/ID.yaml: a complete, valid starting point for a mentoring model.")
    p.add_argument("id", help="programme id (lowercase letters, digits, hyphens)")
    from .scaffold import PRESETS

    p.add_argument("--model", required=True, choices=sorted(PRESETS), metavar="MODEL",
                   help="one of: " + ", ".join(sorted(PRESETS)))
    p.set_defaults(func=_new)

    p = verb("init", "Start a new handbook repository (content only; the generator and theme stay in the package).")
    p.add_argument("dir", metavar="DIR", help="a new or empty folder")
    p.add_argument("--model", default="one-to-one", choices=sorted(PRESETS), metavar="MODEL",
                   help="model of the first programme (default: one-to-one); one of: " + ", ".join(sorted(PRESETS)))
    p.add_argument("--language", default="en", help="language of the site and documents, e.g. en, fr (default: en)")
    p.set_defaults(func=_init)

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
    p.add_argument("--engine", choices=["mkdocs", "zensical"], default="mkdocs",
                   help="accepted for workflows that pass it everywhere: editions are always built with MkDocs "
                        "(mike); zensical prints a notice saying so")
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
