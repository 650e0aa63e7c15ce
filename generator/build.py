"""Build the whole handbook (site + PDFs) atomically.

The site engine runs as its own command (``mkdocs build``, through our plugin) into a fresh
folder beside the output; the folder is swapped in only when everything succeeded, so a failed,
interrupted or killed build leaves the previous output exactly as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .problems import Problem, problems_from_json
from .project import Project

STAGING_PREFIX = ".handbook-staging-"


@dataclass
class BuildOptions:
    out: Path
    drafts: bool = False
    pdfs: bool = True
    jobs: int | None = None
    paper: str = "a4"
    strict: bool = True
    verbose: bool = False


class BuildFailed(Exception):
    """The site engine failed for a reason other than invalid input (its log was relayed live)."""


def engine_env(options: BuildOptions) -> dict[str, str]:
    env = dict(os.environ)
    # tools that call ``mkdocs`` by name (mike) must find the one installed beside us
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.update({
        "NO_MKDOCS_2_WARNING": "1",
        "HANDBOOK_DRAFTS": "1" if options.drafts else "0",
        "HANDBOOK_PDFS": "1" if options.pdfs else "0",
        "HANDBOOK_PAPER": options.paper,
    })
    if options.jobs:
        env["HANDBOOK_JOBS"] = str(options.jobs)
    return env


def site_command(project: Project, target: Path, options: BuildOptions) -> list[str]:
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(project.root / "mkdocs.yml"), "-d", str(target)]
    if options.strict:
        command.append("--strict")  # note: --quiet would hide the warnings that strict mode counts
    return command


def _remove_stale_staging(out: Path) -> None:
    for stale in out.parent.glob(f"{STAGING_PREFIX}{out.name}-*"):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)


def _swap_in(staging: Path, out: Path) -> None:
    """Replace ``out`` by ``staging`` with renames only (the old output survives a crash)."""
    if out.exists():
        old = out.parent / f"{STAGING_PREFIX}{out.name}-old-{os.getpid()}"
        os.replace(out, old)
        try:
            os.replace(staging, out)
        except OSError:
            os.replace(old, out)
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, out)


def input_digest(project: Project, options: BuildOptions) -> str:
    """Everything a build depends on: sources, theme, configuration, our code, options, environment."""
    digest = hashlib.sha256()
    folders = [project.programs_dir, project.guides_dir, project.root / "theme", Path(__file__).resolve().parent]
    files = [project.root / "mkdocs.yml"]
    for folder in folders:
        if folder.is_dir():
            files += sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(project.root) if path.is_relative_to(project.root) else path.name).encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    settings = {k: getattr(options, k) for k in ("drafts", "pdfs", "paper", "strict")}
    settings["env"] = {k: os.environ.get(k) for k in ("SOURCE_DATE_EPOCH", "HANDBOOK_SITE_URL")}
    digest.update(json.dumps(settings, sort_keys=True).encode())
    return digest.hexdigest()


def output_signature(out: Path) -> str:
    """Cheap fingerprint of an output folder: every file's path, size and modification time."""
    digest = hashlib.sha256()
    for path in sorted(out.rglob("*")):
        if path.is_file():
            info = path.stat()
            digest.update(f"{path.relative_to(out).as_posix()}:{info.st_size}:{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _stamp_path(project: Project, out: Path) -> Path:
    return project.cache_dir / "builds" / (hashlib.sha256(str(out).encode()).hexdigest()[:16] + ".json")


def up_to_date(project: Project, out: Path, inputs: str) -> bool:
    stamp = _stamp_path(project, out)
    if not out.is_dir() or not stamp.is_file():
        return False
    try:
        saved = json.loads(stamp.read_text())
    except (OSError, ValueError):
        return False
    return saved.get("inputs") == inputs and saved.get("output") == output_signature(out)


def build(project: Project, options: BuildOptions) -> list[Problem] | None:
    """Build into a staging folder (the engine's plugin validates first), then swap.

    Returns the problems found (empty when built), or None when nothing changed since the last
    successful build into the same folder (the output is left as it is).
    """
    out = options.out.resolve()
    inputs = input_digest(project, options)
    if up_to_date(project, out, inputs):
        return None
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(out)
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{out.name}-", dir=out.parent))
    # the plugin validates every programme and guide; it hands problems back through this file
    report = staging.with_name(staging.name + ".problems.json")
    try:
        env = engine_env(options)
        env["HANDBOOK_PROBLEMS_FILE"] = str(report)
        progress_fd = os.dup(sys.stderr.fileno())  # the PDF progress bar draws straight on our terminal
        env["HANDBOOK_PROGRESS_FD"] = str(progress_fd)
        try:
            process = subprocess.Popen(site_command(project, staging, options), cwd=project.root, env=env,
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
                                       pass_fds=(progress_fd,))
        finally:
            os.close(progress_fd)
        assert process.stdout is not None
        for line in process.stdout:  # relay warnings, errors and PDF progress; INFO only when verbose
            if options.verbose or not line.startswith("INFO"):
                sys.stderr.write(line.replace(str(staging), str(out)))
                sys.stderr.flush()
        if process.wait() != 0:
            if report.is_file():
                return problems_from_json(report.read_text(encoding="utf-8"))
            raise BuildFailed("the site engine (mkdocs build) failed")
        _swap_in(staging, out)
        stamp = _stamp_path(project, out)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(json.dumps({"inputs": inputs, "output": output_signature(out)}))
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
        report.unlink(missing_ok=True)
    return []
