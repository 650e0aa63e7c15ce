"""The ``handbook`` command: verbs that say what happens.

Exit codes: 0 all well, 1 problems in the input, 2 usage errors. Progress goes to stderr,
results to stdout. User mistakes are printed as problems, never as tracebacks.
"""

from __future__ import annotations

import argparse
import sys

from . import __version__, cli_check, cli_files, cli_site

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
    p.set_defaults(func=cli_check.validate)

    from .lint import rules_text

    EXAMPLES["lint"] = EXAMPLES["lint"].replace("{rules}", rules_text())
    p = verb("lint", "Warn about programme designs that would not work in practice (file:line, rule code, fix).")
    p.add_argument("paths", nargs="*", help="files or folders (default: programs/)")
    p.add_argument("--strict", action="store_true", help="exit 1 when there is any warning (default: 0)")
    p.add_argument("--format", choices=["text", "github"], default="text",
                   help="text for people, github for workflow annotations (default: text)")
    p.set_defaults(func=cli_check.lint)

    p = verb("build", "Build the handbook site and every PDF workbook into one folder (atomically).")
    p.add_argument("--out", default="site", help="output folder (default: site)")
    p.add_argument("--drafts", action="store_true", help="include programmes with status: draft")
    p.add_argument("--jobs", type=_positive, default=None, help="PDF worker processes (default: number of cores)")
    p.add_argument("--paper", choices=["a4", "letter"], default="a4", help="paper size of the PDFs (default: a4)")
    p.add_argument("--no-pdfs", action="store_true", help="build the site only (faster previews)")
    p.add_argument("-v", "--verbose", action="store_true", help="show the site engine's log")
    p.add_argument("--engine", choices=["mkdocs", "zensical"], default="mkdocs",
                   help="site engine: mkdocs (MkDocs + Material, default) or zensical (pip install '.[zensical]')")
    p.set_defaults(func=cli_site.build)

    p = verb("serve", "Preview the site with live reload when a programme, guide or theme file changes.")
    p.add_argument("programmes", nargs="*", metavar="PROGRAMME",
                   help="preview only these programmes (files or ids): much faster with a large library")
    p.add_argument("--drafts", action="store_true", help="include programmes with status: draft")
    p.add_argument("--addr", default="127.0.0.1:8000", help="address to serve on (default: 127.0.0.1:8000)")
    p.add_argument("--engine", choices=["mkdocs", "zensical"], default="mkdocs",
                   help="site engine: mkdocs (default) or zensical (pip install '.[zensical]')")
    p.set_defaults(func=cli_site.serve)

    p = verb("new", "Write programs/ID.yaml: a complete, valid starting point for a mentoring model.")
    p.add_argument("id", help="programme id (lowercase letters, digits, hyphens)")
    from .scaffold import PRESETS

    p.add_argument("--model", required=True, choices=sorted(PRESETS), metavar="MODEL",
                   help="one of: " + ", ".join(sorted(PRESETS)))
    p.set_defaults(func=cli_files.new)

    p = verb("init", "Start a new handbook repository (content only; the generator and theme stay in the package).")
    p.add_argument("dir", metavar="DIR", help="a new or empty folder")
    p.add_argument("--model", default="one-to-one", choices=sorted(PRESETS), metavar="MODEL",
                   help="model of the first programme (default: one-to-one); one of: " + ", ".join(sorted(PRESETS)))
    p.add_argument("--language", default="en", help="language of the site and documents, e.g. en, fr (default: en)")
    p.set_defaults(func=cli_files.init)

    p = verb("calendar", "Write an iCalendar file of a cohort's sessions and check-ins.")
    p.add_argument("id", help="programme id")
    p.add_argument("--start", required=True, help="date of the first session, YYYY-MM-DD")
    p.add_argument("--time", help="start time HH:MM (default: all-day events)")
    p.add_argument("--tz", help="time zone for --time, e.g. Europe/London (default: floating local time)")
    p.add_argument("--out", help="file to write (default: standard output)")
    p.add_argument("--site-url", help="handbook address for links (default: $HANDBOOK_SITE_URL)")
    p.set_defaults(func=cli_files.calendar)

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
    p.set_defaults(func=cli_site.publish)

    p = verb("diff", "Summarise what changed between two versions of the handbook (programmes, guides, theme), "
                     "who is affected, and the old and new text.")
    p.add_argument("old", help="git revision, file or folder")
    p.add_argument("new", help="git revision, file or folder")
    p.add_argument("--format", choices=["text", "markdown"], default="text",
                   help="text for people, markdown for a pull-request comment (default: text)")
    p.set_defaults(func=cli_check.diff)

    p = verb("labels", "Check a language's label file: list keys it misses (or plural forms) and keys nothing uses.")
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    actions.required = True
    q = actions.add_parser("check", help="list missing and unused keys of LANG (exit 1 if any are missing)",
                           description="List missing and unused keys of LANG (exit 1 if any are missing).")
    q.add_argument("language", metavar="LANG", help="language tag, e.g. fr or fr-CA")
    q.set_defaults(func=cli_check.labels)

    p = verb("schema", "Print the JSON Schema of a programme file (for editor autocompletion).")
    p.set_defaults(func=cli_check.schema)
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
