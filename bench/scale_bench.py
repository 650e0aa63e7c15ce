"""Scale: page weight and build time as the library grows (site only).

    python bench/scale_bench.py [--sizes 50,200,500] [--engine mkdocs]

For each library size (programmes cloned from the shipped library under new ids and titles), one
clean site-only build (``--no-pdfs``), then the figures a participant and a CI runner feel:
pages, median page size (HTML of a page, what a phone downloads to read it), the largest
non-catalogue page, site size (without the offline zip, which holds the site once more), the
search index a reader fetches, and seconds per page. A benchmark, not a test: figures are
printed, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_bench import handbook, make_library  # noqa: E402

CATALOGUE_PAGES = {"index.html", "programs/index.html"}  # pages that list every programme (allowed to grow with the library)


def search_index_bytes(site: Path) -> tuple[int, int]:
    """(what the reader who fetches the most fetches to search, the whole index the engine wrote).

    With scoped indexes (search/site.json + search/programs/<id>.json) a reader on a programme's
    page fetches the site index and that programme's file; otherwise the whole index."""
    whole = next(((site / n).stat().st_size for n in ("search/search_index.json", "search.json")
                  if (site / n).is_file()), 0)
    if not (site / "search/site.json").is_file():
        return whole, whole
    scoped = [p.stat().st_size for p in (site / "search/programs").glob("*.json")]
    return (site / "search/site.json").stat().st_size + max(scoped, default=0), whole


def measure(size: int, engine: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix=f"scale-bench-{size}-") as folder:
        root = Path(folder)
        make_library(root, str(size))
        seconds = handbook(root, "build", "--no-pdfs", "--engine", engine, "--out", "out")
        site = root / "out"
        pages = sorted(site.rglob("*.html"))
        sizes = [p.stat().st_size for p in pages]
        others = [p.stat().st_size for p in pages if p.relative_to(site).as_posix() not in CATALOGUE_PAGES]
        total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file() and p.name != "handbook.zip")
        return {"pages": len(pages), "median": statistics.median(sizes), "largest": max(others),
                "home": (site / "index.html").stat().st_size, "site": total,
                "search": search_index_bytes(site)[0], "whole": search_index_bytes(site)[1], "seconds": seconds, "per_page": seconds / len(pages)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="50,200,500", help="programme counts, comma-separated")
    parser.add_argument("--engine", default="mkdocs", choices=("mkdocs", "zensical"))
    args = parser.parse_args()
    rows = [(int(n), measure(int(n), args.engine)) for n in args.sizes.split(",")]
    print(f"engine: {args.engine}, site only (--no-pdfs), one clean build per size")
    print("| programmes | pages | median page | largest other page | home (catalogue) | site | search per reader "
          "| whole index | build | s/page |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for n, f in rows:
        print(f"| {n} | {f['pages']:,} | {f['median'] / 1024:.1f} KB | {f['largest'] / 1024:.1f} KB "
              f"| {f['home'] / 1024:.0f} KB | {f['site'] / 2**20:.1f} MB | {f['search'] / 2**20:.2f} MB | {f['whole'] / 2**20:.2f} MB "
              f"| {f['seconds']:.1f} s | {f['per_page'] * 1000:.1f} ms |")
    if len(rows) > 1:
        (n0, a), (n1, b) = rows[0], rows[-1]
        print(f"\n{n1} vs {n0} programmes: median page ×{b['median'] / a['median']:.2f}, "
              f"seconds per page ×{b['per_page'] / a['per_page']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
