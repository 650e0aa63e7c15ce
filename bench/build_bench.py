"""Build benchmark: prints figures for the shipped library and for 10 and 40 synthetic programmes.

    python bench/build_bench.py [--sizes shipped,10,40] [--jobs N]

For each library: clean build, no-op rebuild, one-programme-edited rebuild, seconds per PDF page,
peak memory of any build process, and the ratio of our clean build to the engines' own time on the
same inputs (WeasyPrint alone on our generated HTML + `mkdocs build` alone on our generated
Markdown). A benchmark, not a test: figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.project import Project  # noqa: E402
from generator.site import load_site  # noqa: E402
from generator.workbook import jobs_for, render_html  # noqa: E402


def make_library(root: Path, size: str) -> int:
    """A handbook folder with the shipped library, or N programmes cloned from it under new ids."""
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "guides", root / "guides")
    shutil.copytree(REPO / "theme", root / "theme")
    (root / "programs").mkdir()
    shipped = sorted((REPO / "programs").glob("*.yaml"))
    if size == "shipped":
        for path in shipped:
            shutil.copy(path, root / "programs" / path.name)
        return len(shipped)
    for i in range(int(size)):
        source = shipped[i % len(shipped)]
        old_id = source.stem
        new_id = f"{old_id}-{i:03d}"
        text = source.read_text(encoding="utf-8").replace(f"id: {old_id}\n", f"id: {new_id}\n", 1)
        text = re.sub(r"^title: (.+)$", lambda m: f"title: {m.group(1)} {i:03d}", text, count=1, flags=re.M)
        (root / "programs" / f"{new_id}.yaml").write_text(text, encoding="utf-8")
    return int(size)


def handbook(root: Path, *args: str) -> float:
    env = {**os.environ, "HANDBOOK_CACHE": str(root / ".cache"), "NO_MKDOCS_2_WARNING": "1",
           "SOURCE_DATE_EPOCH": "1767225600"}
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "generator", *args], cwd=root, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    if run.returncode != 0:
        raise SystemExit(f"build failed in {root}:\n{run.stderr}")
    return elapsed


def _weasy(task: tuple[str, str, str]) -> None:
    from weasyprint import CSS, HTML

    html_path, css_path, pdf_path = task
    HTML(filename=html_path).write_pdf(pdf_path, stylesheets=[CSS(filename=css_path)], pdf_forms=True,
                                       pdf_tags=True, pdf_variant="pdf/ua-1")


def engines_alone(root: Path, jobs: int) -> tuple[float, float]:
    """WeasyPrint on our HTML and mkdocs build on our Markdown, with no handbook code in the loop."""
    project = Project(root)
    content, _ = load_site(project, drafts=False, pdfs=True)
    work = Path(tempfile.mkdtemp(dir=root))
    tasks = []
    for prog in content.programmes:
        for job in jobs_for(prog):
            html = work / (Path(job.filename).stem + ".html")
            html.write_text(render_html(prog, job.kind, job.role_id, project.theme_dir), encoding="utf-8")
            tasks.append((str(html), str(project.theme_dir / "workbook" / "print.css"), str(html.with_suffix(".pdf"))))
    started = time.perf_counter()  # WeasyPrint's own start-up (its import) counts as its time
    import weasyprint  # noqa: F401  (imported once, then shared by the forked workers)

    with multiprocessing.get_context("fork").Pool(jobs, maxtasksperchild=1) as pool:
        list(pool.imap_unordered(_weasy, tasks))
    weasy = time.perf_counter() - started

    docs = work / "docs"
    shutil.copytree(root / "guides", docs)
    for path, markdown in content.pages.items():
        target = docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(markdown.replace("<!-- handbook:catalogue -->", content.catalogue), encoding="utf-8")
    (docs / "index.md").write_text((root / "guides" / "index.md").read_text().replace(
        "<!-- handbook:catalogue -->", content.catalogue))
    for pdf in work.glob("*.pdf"):  # the downloads the pages link to
        prog_id = next(p.id for p in content.programmes if pdf.name.startswith(p.id + "-"))
        (docs / "programs" / prog_id / "downloads").mkdir(parents=True, exist_ok=True)
        shutil.copy(pdf, docs / "programs" / prog_id / "downloads" / pdf.name)
    import yaml

    config = (root / "mkdocs.yml").read_text().replace("  - handbook\n", "")
    config = config.replace('!ENV [HANDBOOK_SITE_URL, "http://127.0.0.1:8000/"]', '"http://127.0.0.1:8000/"')
    config = config.replace("docs_dir: guides", f"docs_dir: {docs}").replace("custom_dir: theme/overrides",
                                                                              f"custom_dir: {root / 'theme' / 'overrides'}")
    plain = yaml.safe_load(config)
    plain["nav"] = content.nav
    (work / "mkdocs.yml").write_text(yaml.safe_dump(plain, sort_keys=False))
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(work / "mkdocs.yml"), "-d", str(work / "site")],
                   check=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    mkdocs = time.perf_counter() - started
    shutil.rmtree(work)
    return weasy, mkdocs


def pdf_pages(site: Path) -> int:
    from pypdf import PdfReader

    return sum(len(PdfReader(p).pages) for p in site.rglob("*.pdf"))


def bench(size: str, jobs: int) -> dict[str, float]:
    root = Path(tempfile.mkdtemp(prefix=f"bench-{size}-"))
    try:
        n = make_library(root, size)
        clean = handbook(root, "build", "--jobs", str(jobs))
        noop = handbook(root, "build", "--jobs", str(jobs))
        first = sorted((root / "programs").glob("*.yaml"))[0]
        first.write_text(first.read_text().replace("summary: ", "summary: Edited. ", 1))
        edited = handbook(root, "build", "--jobs", str(jobs))
        pages = pdf_pages(root / "site")
        peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        weasy, mkdocs = engines_alone(root, jobs)
        return {"programmes": n, "clean": clean, "noop": noop, "edited": edited, "pages": pages,
                "per_page": weasy / max(pages, 1), "peak": peak_mib, "weasy": weasy, "mkdocs": mkdocs}
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="shipped,10,40")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    rows = []
    for size in args.sizes.split(","):
        print(f"… benchmarking {size} programmes", file=sys.stderr, flush=True)
        rows.append(bench(size, args.jobs))
    print(f"{'library':>9} {'clean s':>8} {'no-op s':>8} {'no-op %':>8} {'edit s':>7} {'edit %':>7} {'target %':>8} "
          f"{'pages':>6} {'s/page':>7} {'s/prog':>7} {'peak MiB':>9} {'engines s':>9} {'ours/eng':>8}")
    for r in rows:
        engines = r["weasy"] + r["mkdocs"]
        print(f"{r['programmes']:>9} {r['clean']:>8.1f} {r['noop']:>8.2f} {100 * r['noop'] / r['clean']:>7.1f}% "
              f"{r['edited']:>7.1f} {100 * r['edited'] / r['clean']:>6.1f}% {100 / r['programmes'] + 10:>7.1f}% "
              f"{r['pages']:>6} {r['per_page']:>7.3f} {r['clean'] / r['programmes']:>7.2f} {r['peak']:>9.0f} "
              f"{engines:>9.1f} {r['clean'] / engines:>8.2f}")
    by_n = {r["programmes"]: r for r in rows}
    if 10 in by_n and 40 in by_n:
        ratio = (by_n[40]["clean"] / 40) / (by_n[10]["clean"] / 10)
        print(f"cost per programme, 40 vs 10: {ratio:.2f}x (target <= 1.25x)")


if __name__ == "__main__":
    main()
