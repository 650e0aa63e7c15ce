"""Editions of the handbook site, kept forever with ``mike`` (one folder per edition on gh-pages).

An edition is published once: publishing a name that exists is refused, and so is publishing
when the list of editions cannot be read (a failed ``mike list`` is not "no editions"), or from
a working tree with uncommitted changes (the edition would be labelled with a commit that does
not hold what was built). Names go to mike after ``--``, so none is read as an option.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from .build import engine_env
from .project import Project
from .settings import Settings

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")


class PublishError(Exception):
    pass


def check_name(value: str, what: str) -> str:
    """An edition or alias name: it becomes a folder on the branch and a word in a URL."""
    if not NAME.fullmatch(value) or ".." in value or value.endswith((".", ".lock")) or value == "versions.json":
        raise PublishError(f"{what} '{value}' is not a usable name: use letters, digits, '.', '_', '+' or '-' "
                           f"(at most 64, starting with a letter or digit), e.g. 2026.1 or latest")
    return value


def _mike(project: Project, args: list[str], settings: Settings, capture: bool = False) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", "import sys; from mike.driver import main; sys.exit(main())", *args]
    return subprocess.run(command, cwd=project.root, env=engine_env(settings), text=True,
                          stdout=subprocess.PIPE if capture else sys.stderr,
                          stderr=subprocess.PIPE if capture else None)


def editions(project: Project, branch: str) -> list[dict]:
    """The published editions, newest first ([] before the first); raises when they cannot be read."""
    check_name(branch, "branch")
    run = _mike(project, ["list", "--json", "-b", branch, "-F", str(project.root / "mkdocs.yml")],
                Settings.from_environment(), capture=True)
    if run.returncode != 0:  # mike lists a missing branch as []: a failure here is a real one
        reason = (run.stderr or "").strip().splitlines()[-1:] or ["no message"]
        raise PublishError(f"cannot list the editions on branch {branch} (mike list failed: {reason[0]}); "
                           "nothing was published")
    try:
        return json.loads(run.stdout or "[]")
    except json.JSONDecodeError as exc:
        raise PublishError(f"cannot read the list of editions on branch {branch}: {exc}") from None


def dirty_files(root: Path) -> list[str]:
    """Uncommitted changes (tracked or new, not ignored) in the working tree; [] outside git."""
    run = subprocess.run(["git", "status", "--porcelain", "--untracked-files=normal"], cwd=root,
                         capture_output=True, text=True)
    if run.returncode != 0:
        return []
    return [line[3:] for line in run.stdout.splitlines() if line.strip()]


def publish(project: Project, version: str, aliases: list[str], *, branch: str = "gh-pages",
            force: bool = False, push: bool = False, title: str | None = None, allow_dirty: bool = False) -> None:
    check_name(version, "edition")
    for alias in aliases:
        check_name(alias, "alias")
        if alias == version:
            raise PublishError(f"alias '{alias}' is the edition's own name")
    check_name(branch, "branch")
    if not allow_dirty and (dirty := dirty_files(project.root)):
        shown = ", ".join(dirty[:5]) + (" …" if len(dirty) > 5 else "")
        raise PublishError(f"the working tree has uncommitted changes ({shown}); commit them first so the "
                           "edition matches a commit, or pass --allow-dirty")
    existing = editions(project, branch)
    if any(e["version"] == version for e in existing) and not force:
        raise PublishError(f"edition {version} is already published; editions are kept as they are "
                           f"(publish a new version, or pass --force to rebuild it)")
    options = Settings.from_environment()
    args = ["deploy", "-F", str(project.root / "mkdocs.yml"), "-b", branch, "--update-aliases"]
    if title:
        args += ["-t", title]
    if push:
        args.append("--push")
    if _mike(project, [*args, "--", version, *aliases], options).returncode != 0:
        raise PublishError("mike deploy failed (see its output above)")
    if not _git_has_file(project.root, branch, "index.html"):
        default = aliases[0] if aliases else version
        args = ["set-default", "-F", str(project.root / "mkdocs.yml"), "-b", branch]
        if push:
            args.append("--push")
        if _mike(project, [*args, "--", default], options).returncode != 0:
            raise PublishError("mike set-default failed (see its output above)")


def _git_has_file(root: Path, branch: str, path: str) -> bool:
    return subprocess.run(["git", "cat-file", "-e", f"{branch}:{path}"], cwd=root, capture_output=True).returncode == 0
