"""Checking verbs of the ``handbook`` command: validate, lint, schema, diff, labels check."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .problems import format_problems, has_errors
from .project import Project


def validate(args: argparse.Namespace) -> int:
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


def lint(args: argparse.Namespace) -> int:
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


def schema(args: argparse.Namespace) -> int:
    from .model import json_schema

    print(json.dumps(json_schema(), indent=2, sort_keys=True))
    return 0


def diff(args: argparse.Namespace) -> int:
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


def labels(args: argparse.Namespace) -> int:
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
