"""Site engines side by side: MkDocs + Material and Zensical building the same handbook.

    python bench/engine_bench.py [--sizes 7,40] [--pdfs] [--jobs N]

For each library size (programmes cloned from the shipped library) and each engine, in one run:
clean build (empty cache, new output folder), no-op rebuild (nothing changed), and a rebuild after
one programme's text was edited; and a live preview of one programme (``handbook serve
programs/x.yaml``) edited three times: the median seconds until the change is served. Without --pdfs the builds are site-only (--no-pdfs): the PDF
workers are the same for both engines, so this isolates the engines. A benchmark, not a test:
figures are printed, never asserted. Needs Zensical: pip install -e '.[zensical]'.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_bench import handbook, make_library  # noqa: E402
from serve_bench import measure as preview_edits  # noqa: E402

ENGINES = ("mkdocs", "zensical")


def edit_one(root: Path) -> None:
    """A one-word change in the first session of the first programme (what a designer does)."""
    path = sorted((root / "programs").glob("*.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: ", "title: Edited ", 2), encoding="utf-8")


def measure(size: str, engine: str, extra: list[str]) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix=f"engine-bench-{engine}-") as folder:
        root = Path(folder)
        make_library(root, size)
        args = ["build", "--engine", engine, "--out", "out", *extra]
        figures = {"clean": handbook(root, *args), "no-op": handbook(root, *args)}
        edit_one(root)
        figures["edit"] = handbook(root, *args)
        figures["pages"] = float(sum(1 for _ in (root / "out").rglob("*.html")))
        shutil.rmtree(root / ".cache", ignore_errors=True)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="7,40", help="programme counts, comma-separated (default: 7,40)")
    parser.add_argument("--pdfs", action="store_true", help="render the PDFs too (same workers for both engines)")
    parser.add_argument("--jobs", type=int, default=2, help="PDF workers with --pdfs (default: 2)")
    args = parser.parse_args()
    extra = ["--jobs", str(args.jobs)] if args.pdfs else ["--no-pdfs"]
    rows = []
    for size in args.sizes.split(","):
        results = {engine: measure(size, engine, extra) for engine in ENGINES}
        pages = int(results["mkdocs"]["pages"])
        for engine in ENGINES:  # preview one programme, edit it: seconds until the browser gets the change
            results[engine]["preview-edit"] = statistics.median(preview_edits(int(size) if size.isdigit() else 7, 3,
                                                                              True, engine))
        for step in ("clean", "no-op", "edit", "preview-edit"):
            m, z = results["mkdocs"][step], results["zensical"][step]
            rows.append((f"{size} programmes ({pages} pages)", step, m, z))
    print(f"{'library':<28} {'build':<12} {'mkdocs':>9} {'zensical':>9} {'zensical/mkdocs':>16}"
          f"   ({'with' if args.pdfs else 'without'} PDFs)")
    for library, step, m, z in rows:
        print(f"{library:<28} {step:<12} {m:>8.2f}s {z:>8.2f}s {z / m:>15.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
