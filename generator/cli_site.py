"""Site verbs of the ``handbook`` command: build, serve, publish (the engines run as subprocesses)."""

from __future__ import annotations

import argparse
import functools
import sys
from pathlib import Path

from .problems import format_problems, has_errors
from .project import Project
from .settings import Settings, SettingsError


def engine_ready(engine: str) -> bool:
    """Zensical is an optional extra; say how to install it rather than fail inside the build."""
    if engine == "zensical":
        from .zensical_engine import available

        if not available():
            print("handbook: error: --engine zensical needs Zensical: pip install -e '.[zensical]'", file=sys.stderr)
            return False
    return True


def build(args: argparse.Namespace) -> int:
    from .build import BuildFailed, BuildOptions, Interrupted, OutputRefused, build

    try:
        settings = Settings.from_environment().with_(drafts=args.drafts, pdfs=not args.no_pdfs, paper=args.paper,
                                                     jobs=args.jobs or 0, output=Path(args.out))
    except SettingsError as exc:
        print(f"handbook: error: {exc}", file=sys.stderr)
        return 2
    if not engine_ready(args.engine):
        return 2
    project = Project.find(cache=settings.cache)
    options = BuildOptions(out=Path(args.out), settings=settings, verbose=args.verbose, engine=args.engine)
    print(f"Building the handbook into {args.out}/ with {args.engine} …", file=sys.stderr)
    try:
        problems = build(project, options, notify=lambda message: print(message, file=sys.stderr))
        if problems is None:
            print(f"Nothing changed since the last build: {args.out}/ is up to date", file=sys.stderr)
            return 0
    except OutputRefused as exc:
        print(f"handbook: refusing to build there: {exc}; nothing was touched", file=sys.stderr)
        return 2
    except Interrupted as exc:
        print(f"handbook: stopped ({exc}); the previous output in {args.out}/ is unchanged", file=sys.stderr)
        return 130
    except BuildFailed as exc:
        print(f"handbook: {exc}; the previous output in {args.out}/ is unchanged", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"handbook: cannot write the output: {exc.strerror or exc} ({exc.filename or args.out}); "
              f"the previous output in {args.out}/ is unchanged", file=sys.stderr)
        return 1
    if problems:
        print(format_problems(problems))
    if has_errors(problems):
        print(f"handbook: nothing was built; fix the problems above (the previous output in {args.out}/ is unchanged)",
              file=sys.stderr)
        return 1
    print(f"Built {args.out}/", file=sys.stderr)
    return 0


def serve(args: argparse.Namespace) -> int:
    import signal
    import subprocess

    from .build import engine_env

    ids = []
    for given in args.programmes:  # a file (programs/x.yaml) or an id (x)
        pid = Path(given).stem if given.endswith((".yaml", ".yml")) else given
        ids.append(pid)
    try:
        settings = Settings.from_environment().with_(drafts=args.drafts, pdfs=False, preview=True,
                                                     only=",".join(ids) or None)
    except SettingsError as exc:
        print(f"handbook: error: {exc}", file=sys.stderr)
        return 2
    project = Project.find(cache=settings.cache)
    missing = [pid for pid in ids if not (project.programs_dir / f"{pid}.yaml").is_file()]
    if missing:
        print(f"handbook: error: no programme file programs/{missing[0]}.yaml", file=sys.stderr)
        return 2
    if not engine_ready(args.engine):
        return 2
    front = None
    if args.engine == "zensical":  # it has a front door of its own (pages' policy, PDFs on demand)
        command = [sys.executable, "-m", "generator.zensical_engine", "serve", "--addr", args.addr]
    else:  # MkDocs on a private port; our front door answers PDF links by rendering them on demand
        from . import preview_proxy
        from .workbook import preview_pdf

        private = ("127.0.0.1", preview_proxy.free_port())
        command = [sys.executable, "-m", "mkdocs", "serve", "-f", str(project.root / "mkdocs.yml"),
                   "-a", f"{private[0]}:{private[1]}"]
        front = preview_proxy.serve(args.addr, private, lambda path, html: html,  # MkDocs finished the page
                                    preview_proxy.pdfs_on_demand(functools.partial(preview_pdf, project, settings)))
        print(f"INFO - serving the preview on http://{args.addr}/", file=sys.stderr)
    engine = subprocess.Popen(command, cwd=project.root, env=engine_env(settings))

    def stop(signum, frame):  # stopping `handbook serve` (Ctrl-C, or its PID) stops the engine too
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    try:
        return engine.wait()
    except KeyboardInterrupt:
        engine.terminate()
        try:
            engine.wait(10)
        except subprocess.TimeoutExpired:
            engine.kill()
        return 0
    finally:
        if front is not None:
            front.shutdown()
            front.server_close()


def publish(args: argparse.Namespace) -> int:
    from .publish import PublishError, editions, publish
    from .validate import load_programmes

    if args.engine == "zensical":  # editions are mike's, and mike drives MkDocs
        from .zensical_engine import PUBLISH_NOTICE

        print(PUBLISH_NOTICE, file=sys.stderr)
    project = Project.find()
    if args.list:
        try:
            found = editions(project, args.branch)
        except PublishError as exc:
            print(f"handbook: error: {exc}", file=sys.stderr)
            return 1
        if not found:
            print(f"No editions on branch {args.branch} yet.", file=sys.stderr)
        for edition in found:
            aliases = f" [{', '.join(edition['aliases'])}]" if edition["aliases"] else ""
            print(f"{edition['version']}{aliases}")
        return 0
    if not args.version:
        print("handbook: error: give the edition to publish, e.g. 'handbook publish 2.0 --alias latest'", file=sys.stderr)
        return 2
    _, problems = load_programmes([project.programs_dir], guides_dir=project.guides_dir, root=project.root)
    if has_errors(problems):
        print(format_problems(problems))
        return 1
    try:
        if args.if_new and any(e["version"] == args.version for e in editions(project, args.branch)):
            print(f"Edition {args.version} is already published; nothing to do (raise the edition to publish)",
                  file=sys.stderr)
            return 0
        publish(project, args.version, args.alias, branch=args.branch, force=args.force, push=args.push,
                allow_dirty=args.allow_dirty)
    except PublishError as exc:
        print(f"handbook: error: {exc}", file=sys.stderr)
        return 1
    print(f"Published edition {args.version} on branch {args.branch}", file=sys.stderr)
    return 0
