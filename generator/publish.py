"""Editions of the handbook site, kept forever with ``mike`` (one folder per edition on gh-pages)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from .build import engine_env
from .project import Project
from .settings import Settings


_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$")  # edition, alias and branch names


class PublishError(Exception):
    pass


def _mike(project: Project, args: list[str], settings: Settings, capture: bool = False) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", "import sys; from mike.driver import main; sys.exit(main())", *args]
    return subprocess.run(command, cwd=project.root, env=engine_env(settings), text=True,
                          stdout=subprocess.PIPE if capture else sys.stderr,
                          stderr=subprocess.PIPE if capture else None)


def editions(project: Project, branch: str) -> list[dict]:
    run = _mike(project, ["list", "--json", "-b", branch, "-F", str(project.root / "mkdocs.yml")],
                Settings.from_environment(), capture=True)
    if run.returncode != 0:
        return []
    return json.loads(run.stdout or "[]")


def publish(project: Project, version: str, aliases: list[str], *, branch: str = "gh-pages",
            force: bool = False, push: bool = False, title: str | None = None) -> None:
    for kind, name in [("edition", version), ("branch", branch)] + [("alias", a) for a in aliases]:
        if not _NAME.match(name) or ".." in name:
            raise PublishError(f"{kind} '{name}' is not a plain name: use letters, digits, '.', '_', '+' or '-', "
                               "starting with a letter or digit (e.g. 2.0, latest)")
    existing = editions(project, branch)
    if any(e["version"] == version for e in existing) and not force:
        raise PublishError(f"edition {version} is already published; editions are kept as they are "
                           f"(publish a new version, or pass --force to rebuild it)")
    options = Settings.from_environment()
    args = ["deploy", "-F", str(project.root / "mkdocs.yml"), "-b", branch, "--update-aliases", "--", version, *aliases]
    if title:
        args[1:1] = ["-t", title]  # options before "--": names after it are never read as options
    if push:
        args.insert(1, "--push")
    if _mike(project, args, options).returncode != 0:
        raise PublishError("mike deploy failed (see its output above)")
    has_default = _git_has_file(project.root, branch, "index.html")
    if not has_default:
        default = aliases[0] if aliases else version
        args = ["set-default", "-F", str(project.root / "mkdocs.yml"), "-b", branch, "--", default]
        if push:
            args.insert(1, "--push")
        if _mike(project, args, options).returncode != 0:
            raise PublishError("mike set-default failed (see its output above)")


def _git_has_file(root: Path, branch: str, path: str) -> bool:
    return subprocess.run(["git", "cat-file", "-e", f"{branch}:{path}"], cwd=root, capture_output=True).returncode == 0
