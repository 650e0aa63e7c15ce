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
    "build": "examples:\n  handbook build\n  handbook build --out public --drafts --paper letter --jobs 2",
    "serve": "example:\n  handbook serve --drafts",
    "validate": "examples:\n  handbook validate\n  handbook validate programs/digital-leaders.yaml --format github",
    "schema": "example:\n  handbook schema > schema/program.schema.json",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2 without a traceback
        self.print_usage(sys.stderr)
        print(f"handbook: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _validate(args: argparse.Namespace) -> int:
    from .validate import load_programmes

    project = Project.find()
    paths = [Path(p) for p in args.paths] or [project.programs_dir]
    loaded, problems = load_programmes(paths, guides_dir=project.guides_dir, root=project.root)
    if problems:
        print(format_problems(problems, args.format))
    ok = sum(1 for item in loaded if item.programme is not None)
    print(f"{ok} of {len(loaded)} programme file(s) valid", file=sys.stderr)
    return 1 if has_errors(problems) or not loaded else 0


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
    import os
    import subprocess

    from .build import BuildOptions, engine_env

    project = Project.find()
    env = engine_env(BuildOptions(out=project.root / "site", drafts=args.drafts, pdfs=False))
    command = [sys.executable, "-m", "mkdocs", "serve", "-f", str(project.root / "mkdocs.yml"), "-a", args.addr]
    try:
        return subprocess.call(command, cwd=project.root, env=env)
    except KeyboardInterrupt:
        return 0


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
