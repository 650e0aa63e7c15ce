"""Mutation testing of the loader and validator (load.py, validate.py and its parts structure.py, checks.py); prints the score.

    python bench/mutation.py [--max-children N] [--files load,validate] [--sample N] [--tests a.py,b.py]
                             [--survivors] [--keep DIR]

Runs mutmut (a test dependency) in a scratch copy of the repository, so the working tree is never
touched, against the tests that call the loader and validator in-process (tests/test_validate.py,
tests/test_rules.py, tests/test_mutants.py: a test that runs ``handbook`` as a subprocess imports
the unmutated package and could not kill anything). Each mutant is then classed:

* text: it changes only the words of a message or hint (a string literal), which the tests check
  per rule code rather than letter by letter;
* logic: anything else (operators, comparisons, numbers, conditions, calls, arguments).

Prints the kill rate of logic mutants (the figure that matters) and of all mutants. ``--sample N``
checks a fixed random sample of N mutants (same seed, same sample), for a quicker estimate on a
busy machine; ``--tests`` runs against other test files, e.g. to compare with and without one.
A benchmark, not a test: figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TESTS = [t for t in ("tests/test_validate.py", "tests/test_rules.py", "tests/test_mutants.py") if (REPO / t).is_file()]
COPY = ["generator", "tests", "theme", "programs", "guides", "schema", "mkdocs.yml", "pyproject.toml", "README.md"]
KILLED = {1, 3}


def _config(files: list[str], tests: list[str]) -> str:
    return "\n".join([
        "", "[tool.mutmut]",
        'source_paths = ["generator"]',
        "only_mutate = " + json.dumps([f"generator/{name}.py" for name in files]),
        "tests_dir = " + json.dumps(tests),
        "also_copy = " + json.dumps(["tests", "theme", "programs", "guides", "schema", "mkdocs.yml"]),
        "",
    ])


def _strip_strings(node: ast.AST) -> str:
    """The function's syntax tree with every string literal blanked (and its docstring dropped)."""
    node = ast.parse(ast.unparse(node))
    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and isinstance(child.value, str):
            child.value = ""
        if isinstance(child, ast.JoinedStr):
            child.values = [v for v in child.values if not isinstance(v, ast.Constant)]
    return ast.dump(node, annotate_fields=False)


def classify(mutated_source: str) -> dict[str, str]:
    """mutant function name -> 'text' or 'logic', by comparing each mutant with its original."""
    tree = ast.parse(mutated_source)
    functions: dict[str, ast.AST] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and "__mutmut_" in node.name:
            functions[node.name] = node
    kinds = {}
    for name, node in functions.items():
        base, _, number = name.rpartition("__mutmut_")
        if number == "orig" or not number.isdigit():
            continue
        orig = functions.get(f"{base}__mutmut_orig")
        if orig is None:
            continue
        mutant = ast.parse(ast.unparse(node)).body[0]
        original = ast.parse(ast.unparse(orig)).body[0]
        mutant.name = original.name = "f"
        kinds[name] = "text" if _strip_strings(mutant) == _strip_strings(original) else "logic"
    return kinds


def _results(work: Path, files: list[str], chosen: set[str] | None) -> list[tuple[str, str, int | None]]:
    """(mutant, kind, exit code) for every mutant mutmut made."""
    rows = []
    for name in files:
        mutated = work / "mutants" / "generator" / f"{name}.py"
        meta = json.loads((work / "mutants" / "generator" / f"{name}.py.meta").read_text(encoding="utf-8"))
        kinds = classify(mutated.read_text(encoding="utf-8"))
        for key, code in meta["exit_code_by_key"].items():
            if chosen is not None and key not in chosen:
                continue
            function = key.rsplit(".", 1)[-1]
            rows.append((key, kinds.get(function, "logic"), code))
    return rows


def _score(rows: list[tuple[str, str, int | None]], kind: str | None = None) -> tuple[int, int]:
    chosen = [code for _, k, code in rows if kind is None or k == kind]
    return sum(1 for code in chosen if code in KILLED), len(chosen)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-children", type=int, default=max(1, (os.cpu_count() or 2)))
    parser.add_argument("--files", default="load,validate,structure,checks",
                        help="modules under generator/ (default: load,validate,structure,checks: the validator and its parts)")
    parser.add_argument("--survivors", action="store_true", help="print the surviving logic mutants' diffs")
    parser.add_argument("--keep", help="work in this folder and keep it (default: a temporary folder)")
    parser.add_argument("--sample", type=int, default=0, help="check a fixed random sample of N mutants (default: all)")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--tests", default=",".join(TESTS), help="test files (default: %(default)s)")
    args = parser.parse_args()
    files = [name.strip() for name in args.files.split(",") if name.strip()]

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="handbook-mutation-"))
    work.mkdir(parents=True, exist_ok=True)
    for name in COPY:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, work / name, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
        elif source.exists():
            shutil.copy2(source, work / name)
    tests = [t.strip() for t in args.tests.split(",") if t.strip()]
    with open(work / "pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write(_config(files, tests))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": ""}
    started = time.perf_counter()
    mutmut = [sys.executable, "-m", "mutmut", "run", "--max-children", str(args.max_children)]
    chosen: set[str] | None = None
    if args.sample:
        # a filter that matches nothing makes mutmut write every mutant's name, then stop
        subprocess.run([*mutmut, "no-such-mutant"], cwd=work, env=env, capture_output=True, text=True)
        names = sorted(key for name in files for key in json.loads(
            (work / "mutants" / "generator" / f"{name}.py.meta").read_text(encoding="utf-8"))["exit_code_by_key"])
        chosen = set(random.Random(args.seed).sample(names, min(args.sample, len(names))))
        mutmut += sorted(chosen)
    run = subprocess.run(mutmut, cwd=work, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if not (work / "mutants").is_dir():
        print(run.stdout[-3000:] + run.stderr[-3000:], file=sys.stderr)
        return 1
    rows = _results(work, files, chosen)
    logic_killed, logic_total = _score(rows, "logic")
    all_killed, all_total = _score(rows)
    text_killed, text_total = _score(rows, "text")
    print(f"mutation testing of {', '.join(f'generator/{f}.py' for f in files)} against {', '.join(tests)}")
    sample = f" (a random sample, seed {args.seed})" if chosen is not None else ""
    print(f"  {all_total} mutants{sample} in {elapsed:.0f} s with {args.max_children} worker(s)")
    print(f"  logic mutants killed: {logic_killed}/{logic_total} = {100 * logic_killed / max(logic_total, 1):.1f} %")
    print(f"  text-only mutants killed: {text_killed}/{text_total} = {100 * text_killed / max(text_total, 1):.1f} %")
    print(f"  all mutants killed: {all_killed}/{all_total} = {100 * all_killed / max(all_total, 1):.1f} %")
    other = sorted({code for _, _, code in rows} - KILLED - {0})
    if other:
        print(f"  exit codes other than killed/survived: {other} (see 'mutmut results' in {work})")
    if args.survivors:
        for key, kind, code in rows:
            if kind == "logic" and code not in KILLED:
                shown = subprocess.run([sys.executable, "-m", "mutmut", "show", key], cwd=work, env=env,
                                       capture_output=True, text=True).stdout
                print(f"\n--- {key} (exit {code})\n" + re.sub(r"\n{3,}", "\n\n", shown).strip())
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
