"""Build the whole handbook (site + PDFs) atomically.

The site engine runs as its own command (``mkdocs build`` through our plugin, or
``zensical build`` through generator/zensical_engine.py) into a fresh
folder beside the output; the folder is swapped in only when everything succeeded, so a failed,
interrupted or killed build leaves the previous output exactly as it was.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .problems import Problem, problems_from_json
from .project import Project
from .settings import Settings

STAGING_PREFIX = ".handbook-staging-"
LOCK_PREFIX = ".handbook-lock-"
MARKER = ".handbook-build"  # written into every output folder: "this folder is ours to replace"
LOCK_WAIT_SECONDS = 600


@dataclass
class BuildOptions:
    """How to run the engine for one build; what to build is in ``settings``."""

    out: Path
    settings: Settings = field(default_factory=Settings)
    strict: bool = True
    verbose: bool = False
    engine: str = "mkdocs"  # or "zensical" (generator/zensical_engine.py)


ENGINES = ("mkdocs", "zensical")


class BuildFailed(Exception):
    """The site engine failed for a reason other than invalid input (its log was relayed live)."""


class OutputRefused(Exception):
    """The output folder is not one a build may replace (nothing was touched)."""


class Interrupted(Exception):
    """The build was stopped by a signal; the engine and its workers were stopped, the old output kept."""


def check_output(project: Project, out: Path) -> Path:
    """The absolute output folder, if a build may replace it; else OutputRefused saying why.

    Allowed: the project's ``site/``, a missing or empty folder, or a folder a previous build
    marked as its output. Never the project itself, one of its sources, a folder that contains
    the project, the root or the home folder, and never a file.
    """
    out = Path(os.path.abspath(out))
    root = project.root.resolve()
    home = Path.home().resolve()
    resolved = out.resolve()
    for refused, why in ((resolved == Path(resolved.anchor), "is the root of the file system"),
                         (resolved == home, "is your home folder"),
                         (root.is_relative_to(resolved), f"holds the project {root}")):
        if refused:
            raise OutputRefused(f"{out} {why}; build into a folder of its own, e.g. --out site")
    sources = [root / name for name in (".git", "programs", "guides", "theme", "generator", "schema", "tests", ".cache")]
    if any(resolved.is_relative_to(source) for source in sources):
        raise OutputRefused(f"{out} is inside the project's sources; build into a folder of its own, e.g. --out site")
    if out.is_symlink():
        raise OutputRefused(f"{out} is a symbolic link; give the real folder")
    if out.exists() and not out.is_dir():
        raise OutputRefused(f"{out} is a file, not a folder; choose another --out")
    if out.is_dir() and resolved != root / "site" and not (out / MARKER).is_file():
        try:
            empty = next(out.iterdir(), None) is None
        except OSError as exc:
            raise OutputRefused(f"{out} cannot be read ({exc.strerror})") from None
        if not empty:
            raise OutputRefused(f"{out} is not empty and was not written by a handbook build; "
                                "choose an empty or new folder (its files would be replaced)")
    return out


def engine_env(settings: Settings) -> dict[str, str]:
    """The engine process's environment: ours, with the settings written for the engine's adapter to read."""
    env = settings.to_environment()
    # tools that call ``mkdocs`` by name (mike) must find the one installed beside us
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["NO_MKDOCS_2_WARNING"] = "1"
    return env


def site_command(project: Project, target: Path, options: BuildOptions) -> list[str]:
    """The site engine's command, run in its own process: MkDocs (with our plugin) or our Zensical adapter."""
    if options.engine == "zensical":
        command = [sys.executable, "-m", "generator.zensical_engine", "build", "--site-dir", str(target)]
    else:
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
    digest.update(json.dumps({**options.settings.digest_items(), "strict": options.strict,
                                "engine": options.engine}, sort_keys=True).encode())
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
    if not out.is_dir() or not stamp.is_file() or not (out / MARKER).is_file():
        return False
    try:
        saved = json.loads(stamp.read_text())
    except (OSError, ValueError):
        return False
    return saved.get("inputs") == inputs and saved.get("output") == output_signature(out)


@contextlib.contextmanager
def output_lock(out: Path, *, wait: float = LOCK_WAIT_SECONDS, notify=None):
    """Hold the output folder's lock; a second build waits for the first (then finds it up to date)."""
    lock_path = out.parent / f"{LOCK_PREFIX}{out.name}"
    handle = open(lock_path, "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if notify:
                notify(f"another build is writing {out}; waiting for it to finish …")
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise BuildFailed(f"another build has been writing {out} for over {int(wait)} s") from None
                    time.sleep(0.2)
        yield
    finally:
        handle.close()


@contextlib.contextmanager
def _stop_on_signals():
    """SIGTERM (and SIGINT) become Interrupted, so the engine is stopped and staging removed."""
    def stop(signum, frame):
        raise Interrupted(signal.Signals(signum).name)

    previous = {}
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        try:
            previous[sig] = signal.signal(sig, stop)
        except ValueError:  # not the main thread: leave signals alone
            pass
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _stop_engine(process: subprocess.Popen) -> None:
    """Stop the engine; on SIGTERM it stops its PDF workers before it exits (see the adapter)."""
    for stop, grace in ((process.terminate, 10), (process.kill, 5)):
        try:
            stop()
            process.wait(grace)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def _remove_partial_pdfs(project: Project) -> None:
    cache = project.cache_dir / "pdf"
    if cache.is_dir():
        for partial in cache.rglob("*.part"):
            partial.unlink(missing_ok=True)


def build(project: Project, options: BuildOptions, *, notify=None) -> list[Problem] | None:
    """Build into a staging folder (the engine's plugin validates first), then swap.

    Returns the problems found (empty when built), or None when nothing changed since the last
    successful build into the same folder (the output is left as it is). Raises OutputRefused
    before any work when the output folder is not one a build may replace.
    """
    out = check_output(project, options.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with _stop_on_signals(), output_lock(out, notify=notify):
        out = check_output(project, out)  # again: another build may have changed it while we waited
        inputs = input_digest(project, options)
        if up_to_date(project, out, inputs):
            return None
        return _build_locked(project, options, out, inputs)


def _build_locked(project: Project, options: BuildOptions, out: Path, inputs: str) -> list[Problem]:
    _remove_stale_staging(out)
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{out.name}-", dir=out.parent))
    os.chmod(staging, 0o755)  # readers of the published folder are other users (web servers)
    # the plugin validates every programme and guide; it hands problems back through this file
    report = staging.with_name(staging.name + ".problems.json")
    process = None
    try:
        progress_fd = os.dup(sys.stderr.fileno())  # the PDF progress bar draws straight on our terminal
        env = engine_env(options.settings.with_(problems_file=report, progress_fd=progress_fd))
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
            raise BuildFailed(f"the site engine ({options.engine} build) failed")
        process = None
        (staging / MARKER).write_text("This folder is the output of `handbook build`; the next build replaces it.\n",
                                      encoding="utf-8")
        _swap_in(staging, out)
        stamp = _stamp_path(project, out)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(json.dumps({"inputs": inputs, "output": output_signature(out)}))
    except BaseException:
        if process is not None:
            _stop_engine(process)
            _remove_partial_pdfs(project)
        raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
        report.unlink(missing_ok=True)
    return []
