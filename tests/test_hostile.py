"""Safe by construction: a hostile corpus tried against every layer of the pipeline.

Layer 1, the validator, refuses what it recognises at file:line. Layers 2 and 3 must hold on their
own, so the site here is built with the validator's content checks switched off (as if it had
missed everything): escaping and the allow-list sanitizer must leave no active markup in the HTML
or the PDFs, and the Content-Security-Policy must stop whatever a guide smuggles in — checked in
the real Chromium: no dialog, no request off the site.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from browsing import needs_chromium, serving
from conftest import copy_handbook, run_handbook
from hostile import EVIL, GUIDE_BAD_FILES, GUIDE_PAYLOADS, GUIDE_SYMLINKS, PROGRAMME_PAYLOADS, hostile_programme

DANGEROUS_SCHEME = re.compile(r"^\s*(javascript|vbscript|data|file)\s*:", re.IGNORECASE)
FETCHING_ATTRS = ("src", "srcset", "poster", "background", "data", "action", "formaction")


# ---------------------------------------------------------------- layer 1: the validator explains

def _summary_line(text: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith("summary:"))


# payloads that are harmless text, so the validator lets them through (later layers keep them inert)
ACCEPTED_AS_TEXT = {
    "{{ 7*7 }} {% if true %}jinja{% endif %}",
}


@pytest.mark.parametrize("payload", PROGRAMME_PAYLOADS, ids=range(len(PROGRAMME_PAYLOADS)))
def test_validator_refuses_active_programme_text_at_its_line(payload, contract_text):
    from generator.validate import check_text

    text = re.sub(r"^summary:.*$", lambda m: "summary: " + json.dumps(payload), contract_text, count=1,
                  flags=re.MULTILINE)
    prog, problems = check_text(text, "programs/bridge-builders.yaml")
    if payload in ACCEPTED_AS_TEXT:
        assert prog is not None, problems
    else:
        assert prog is None and problems
        assert any(p.line == _summary_line(text) for p in problems), problems


def test_guides_are_refused_as_files_and_as_rendered_pages(tmp_path):
    from generator.guides import check_guides

    root = tmp_path
    guides = root / "guides"
    guides.mkdir()
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("[remote] url = https://token@example.invalid/x.git\n")
    (guides / "index.md").write_text("# Home\n\nFine [link](https://example.org) and ![pic](pic.png).\n")
    (guides / "pic.png").write_bytes(b"\x89PNG")
    for name, text in {**GUIDE_PAYLOADS, **GUIDE_BAD_FILES}.items():
        (guides / name).write_text(text)
    for name, target in GUIDE_SYMLINKS.items():
        (guides / name).symlink_to(target)
    problems = check_guides(guides, root)
    flagged = {p.file.split("/", 1)[1] for p in problems}
    assert flagged == set(GUIDE_PAYLOADS) | set(GUIDE_BAD_FILES) | set(GUIDE_SYMLINKS), problems
    for p in problems:
        name = p.file.split("/", 1)[1]
        if name in GUIDE_PAYLOADS:  # content problems point at the line that produced them
            lines = GUIDE_PAYLOADS[name].splitlines()
            assert 1 < p.line <= len(lines), p
        assert p.hint


def test_a_guide_symlink_to_secrets_stops_the_build_and_publishes_nothing(tmp_path):
    root = copy_handbook(tmp_path / "repo", {})
    shutil.copy(Path(__file__).parent / "fixtures" / "tiny-peers.yaml", root / "programs")
    (root / "guides" / "env.md").symlink_to("/proc/self/environ")
    run = run_handbook(root, "build", "--no-pdfs", env={"HANDBOOK_SECRET_TOKEN": "s3cr3t-value"})
    assert run.returncode == 1
    assert "guides/env.md" in run.stdout and "outside the repository" in run.stdout
    assert not (root / "site").exists()


# ---------------------------------------------------------------- layers 2 and 3 on their own

@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    """The hostile programme and guides, built with the validator's content checks switched off."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    import generator.site
    import generator.validate
    from generator.guides import guide_files

    root = copy_handbook(tmp_path_factory.mktemp("hostile"), {"hostile": hostile_programme()})
    (root / "guides" / "hostile").mkdir()
    for name, text in GUIDE_PAYLOADS.items():
        (root / "guides" / "hostile" / name).write_text(text)
    patches = pytest.MonkeyPatch()
    patches.setattr(generator.validate, "_text_problems", lambda text: [])
    patches.setattr(generator.site, "check_guides", lambda guides_dir, root=None: guide_files(guides_dir, root)[1])
    patches.setenv("HANDBOOK_PDFS", "0")
    patches.setenv("HANDBOOK_CACHE", str(root / ".cache"))
    patches.chdir(root)
    try:
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"), strict=False)
        build(config)
    finally:
        patches.undo()
    return root / "site"


def _programme_pages(site: Path) -> list[Path]:
    return sorted((site / "programs" / "hostile").rglob("*.html"))


def test_programme_pages_hold_no_active_markup(hostile_site):
    pages = _programme_pages(hostile_site) + [hostile_site / "index.html"]
    assert len(pages) >= len(PROGRAMME_PAYLOADS) + 8
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(True):
            for name, value in tag.attrs.items():
                value = " ".join(value) if isinstance(value, list) else str(value)
                assert not name.lower().startswith("on"), (page, tag)
                if name in ("href", "src", "action", "formaction", "xlink:href"):
                    assert not DANGEROUS_SCHEME.search(value), (page, tag)
                if name in FETCHING_ATTRS or name == "style":
                    assert EVIL not in value, (page, tag)
        for name in ("iframe", "object", "embed", "base", "form", "svg"):
            article = soup.find("article")
            assert article is None or name == "svg" or not article.find_all(name), (page, name)
        scripts = soup.find_all("script")
        assert all(s.get("src", "").endswith(".js") or s.get("type") == "application/json" or
                   not s.get("src") and "alert" not in s.text for s in scripts), page
        assert not soup.find_all("img", src=re.compile(EVIL)), page
        assert "alert(1)" not in "".join(s.text for s in scripts), page
        # a payload in a title stays text inside <title>; it never opens an element of its own
        assert len(soup.head.find_all("title")) == 1 and soup.head.title.find_all(True) == []


def test_every_page_ships_a_content_security_policy(hostile_site):
    from generator.csp import inline_scripts, script_hashes

    pages = sorted(hostile_site.rglob("*.html"))
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        head = html[:html.index("</head>")]
        match = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', head)
        assert match, page
        policy = match.group(1)
        assert "default-src 'none'" in policy and "script-src 'self'" in policy
        assert "unsafe-inline" not in policy and "http" not in policy
        for body in inline_scripts(html):  # the theme's scripts are allowed by hash, smuggled ones are not
            allowed = script_hashes(f"<script>{body}</script>")[0] in policy
            assert allowed == ("alert(" not in body), (page, body[:60])
        # the policy comes before any script
        assert head.index("Content-Security-Policy") < head.find("<script") or "<script" not in head


@needs_chromium
def test_nothing_runs_and_nothing_is_fetched_in_a_real_browser(hostile_site, browser):
    pages = [p.relative_to(hostile_site).as_posix() for p in _programme_pages(hostile_site)]
    # a <meta http-equiv=refresh> navigates away, which no page policy can forbid: only the guide check
    # (layer 1, tested above) stops that one
    pages += [f"hostile/{Path(name).stem}/index.html" for name in GUIDE_PAYLOADS if name != "meta-refresh.md"]
    pages.append("index.html")
    dialogs: list[str] = []
    offsite: list[str] = []
    blocked: list[str] = []
    with serving(hostile_site) as base:
        context = browser.new_context()

        def route(route):
            if route.request.url.startswith(base):
                route.continue_()
            else:
                offsite.append(route.request.url)
                route.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
        page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
        for path in pages:
            assert (hostile_site / path).is_file(), path
            page.goto(f"{base}/{path}", wait_until="load")
            page.mouse.move(200, 300)
            page.keyboard.press("Tab")
            page.wait_for_timeout(30)
        pwned = page.evaluate("() => window.__pwned === undefined")
        context.close()
    assert dialogs == [] and pwned
    assert offsite == []
    # the guides' payloads reached the page (their checks were off) and the policy stopped them
    assert blocked, "expected the browser to report blocked inline script or resources from the guides"


def test_pdfs_carry_no_dangerous_links_or_outside_bytes(tmp_path):
    import pypdf
    import yaml

    from generator.model import Programme
    from generator.pdf import write_pdf
    from generator.project import Project
    from generator.workbook import render_html

    theme = Project(Path(__file__).resolve().parent.parent).theme_dir
    data = yaml.safe_load(hostile_programme(sessions=1))
    for holder, key in [(data["roles"][0], "responsibilities"), (data["training"][0], "objectives"),
                        (data["confidentiality"], "norms"), (data["agreement"], "clauses"),
                        (data["evaluation"], "questions"), (data["checkins"][0], "questions"),
                        (data["changelog"][0], "changes")]:
        holder[key] = holder[key][:2]  # every payload is still in the session's fields; fewer pages
    prog = Programme.model_validate(data)  # no validator: layers 2 and 3 only
    uris = []
    for kind, role in (("workbook", "mentee"), ("facilitator-guide", None)):
        target = tmp_path / f"{kind}.pdf"
        write_pdf(render_html(prog, kind, role, theme), target, theme)
        reader = pypdf.PdfReader(str(target))
        for page in reader.pages:
            for annot in page.get("/Annots") or []:
                action = annot.get_object().get("/A")
                if action and "/URI" in action:
                    uris.append(str(action["/URI"]))
        text = "".join(page.extract_text() or "" for page in reader.pages)
        assert "root:x:0:0" not in text
    assert uris and all(not DANGEROUS_SCHEME.search(u) and u.startswith(("https:", "mailto:")) for u in uris), uris


# ---------------------------------------------------------------- limits

def test_alias_bomb_of_long_text_is_refused_at_its_line(tmp_path, contract_text):
    long_text = "lorem ipsum " * 1600  # ~19 KB, written once
    text = contract_text.replace("summary:", f"x-long: &long \"{long_text}\"\nsummary:", 1)
    text += "\nx-many: [" + ", ".join(["*long"] * 60) + "]\n"
    assert len(text) < 150_000 < 60 * len(long_text)  # small file, huge once the aliases are expanded
    path = tmp_path / "bomb.yaml"
    path.write_text(text, encoding="utf-8")
    from generator.load import load_file

    _, problems = load_file(path, "programs/bomb.yaml")
    assert problems and "more than" in problems[0].message and "aliases" in problems[0].message
    assert problems[0].line > 0


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x07", "\u202e", "\u2066"])
def test_control_and_bidi_characters_are_refused_at_their_line(char, contract_text):
    from generator.validate import check_text

    escaped = json.dumps(f"Plain{char}text")
    text = re.sub(r"^summary:.*$", lambda m: f"summary: {escaped}", contract_text, count=1, flags=re.MULTILINE)
    prog, problems = check_text(text, "programs/bridge-builders.yaml")
    assert prog is None
    assert problems[0].line == _summary_line(text) and "control character" in problems[0].message


def test_too_many_sessions_are_refused_with_the_limit(contract_text):
    import yaml

    from generator.validate import check_text

    data = yaml.safe_load(contract_text)
    data["sessions"] = [{"number": i, "title": f"Meeting {i}"} for i in range(1, 106)]
    prog, problems = check_text(yaml.safe_dump(data, sort_keys=False), "programs/bridge-builders.yaml")
    assert prog is None and any(p.code == "HB210" and "more than 104" in p.message for p in problems)


def test_104_sessions_build_a_site_that_grows_linearly(tmp_path, contract_text):
    import yaml

    data = yaml.safe_load(contract_text)
    session = data["sessions"][0]
    data["sessions"] = [{**copy.deepcopy(session), "number": i, "title": f"Meeting {i}: {session['title']}"}
                        for i in range(1, 105)]
    data["checkins"] = []
    root = copy_handbook(tmp_path / "repo", {"bridge-builders": yaml.safe_dump(data, sort_keys=False, allow_unicode=True)})
    run = run_handbook(root, "build", "--no-pdfs")
    assert run.returncode == 0, run.stdout + run.stderr
    size = sum(p.stat().st_size for p in (root / "site").rglob("*") if p.is_file())
    assert size < 20_000_000, size
    assert len(list((root / "site" / "programs" / "bridge-builders" / "sessions").iterdir())) == 104


# ---------------------------------------------------------------- the output folder

def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else b"")
            for p in sorted(folder.rglob("*")) if ".cache" not in p.parts}


@pytest.mark.parametrize("out", [".", "..", "/", "notes.txt", "unrelated", "programs", "guides/sub"])
def test_output_folders_that_are_not_ours_are_refused_before_any_work(tmp_path, out):
    root = copy_handbook(tmp_path / "repo", {})
    shutil.copy(Path(__file__).parent / "fixtures" / "tiny-peers.yaml", root / "programs")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / "notes.txt").write_text("uncommitted work\n")
    (root / "unrelated").mkdir()
    (root / "unrelated" / "thesis.tex").write_text("chapter one\n")
    before = _tree(tmp_path)
    run = run_handbook(root, "build", "--no-pdfs", "--out", out)
    assert run.returncode == 2, run.stderr
    assert "refusing to build there" in run.stderr and "Traceback" not in run.stderr
    after = _tree(tmp_path)
    assert {k: v for k, v in after.items() if ".handbook-lock" not in k} == before


def test_an_empty_or_marked_folder_is_replaced_and_readable_by_others(tmp_path):
    root = copy_handbook(tmp_path / "repo", {})
    shutil.copy(Path(__file__).parent / "fixtures" / "tiny-peers.yaml", root / "programs")
    (tmp_path / "public").mkdir()
    run = run_handbook(root, "build", "--no-pdfs", "--out", str(tmp_path / "public"))
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "public" / ".handbook-build").is_file()
    assert os.stat(tmp_path / "public").st_mode & 0o777 == 0o755
    (root / "programs" / "tiny-peers.yaml").write_text(
        (root / "programs" / "tiny-peers.yaml").read_text().replace("Only the required keys.", "Changed summary."))
    run = run_handbook(root, "build", "--no-pdfs", "--out", str(tmp_path / "public"))
    assert run.returncode == 0, run.stderr
    assert "Changed summary." in (tmp_path / "public" / "programs" / "tiny-peers" / "index.html").read_text()


def test_two_concurrent_builds_leave_a_complete_site(tmp_path):
    import subprocess
    import sys

    root = copy_handbook(tmp_path / "repo", {})
    shutil.copy(Path(__file__).parent / "fixtures" / "tiny-peers.yaml", root / "programs")
    env = {**os.environ, "HANDBOOK_CACHE": str(root / ".cache")}
    runs = [subprocess.Popen([sys.executable, "-m", "generator", "build", "--no-pdfs"], cwd=root, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(r.wait(), r.stderr.read()) for r in runs]
    assert all(code == 0 for code, _ in results), results
    pages = list((root / "site").rglob("*.html"))
    assert len(pages) > 15 and (root / "site" / "programs" / "tiny-peers" / "index.html").is_file()
    assert not list(root.glob(".handbook-staging-*"))
    again = run_handbook(root, "build", "--no-pdfs")
    assert "up to date" in again.stderr


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_sigterm_stops_the_engine_and_workers_and_keeps_the_old_output(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    root = copy_handbook(tmp_path / "repo", {})
    shutil.copy(Path(__file__).parent / "fixtures" / "tiny-peers.yaml", root / "programs")
    shutil.copy(Path(__file__).resolve().parent.parent / "programs" / "digital-leaders.yaml", root / "programs")
    assert run_handbook(root, "build", "--no-pdfs").returncode == 0
    before = _snapshot(root / "site")
    env = {**os.environ, "HANDBOOK_CACHE": str(root / ".cache")}
    process = subprocess.Popen([sys.executable, "-m", "generator", "build", "--jobs", "2"], cwd=root, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list((root / ".cache").rglob("*.part")):
        time.sleep(0.05)  # wait until PDF workers are writing
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130 and "stopped (SIGTERM)" in err and "Traceback" not in err
    assert _snapshot(root / "site") == before
    assert not list(root.glob(".handbook-staging-*"))
    time.sleep(1)
    assert not list((root / ".cache").rglob("*.part"))
    leftover = subprocess.run(["pgrep", "-f", str(root)], capture_output=True, text=True).stdout.split()
    assert leftover == [], leftover


def test_a_tampered_cached_pdf_is_rendered_again(tmp_path):
    root = copy_handbook(tmp_path / "repo", {})
    shutil.copy(Path(__file__).parent / "fixtures" / "tiny-peers.yaml", root / "programs")
    assert run_handbook(root, "build").returncode == 0
    cached = sorted((root / ".cache" / "pdf").rglob("*facilitator-guide.pdf"))
    assert cached
    good = cached[0].read_bytes()
    cached[0].write_bytes(good + b"\n% tampered: Evil Peers\n")
    (root / "guides" / "index.md").write_text((root / "guides" / "index.md").read_text() + "\nOne more line.\n")
    assert run_handbook(root, "build").returncode == 0
    published = next((root / "site").rglob("*facilitator-guide.pdf")).read_bytes()
    assert b"Evil Peers" not in published and b"Evil Peers" not in cached[0].read_bytes()


# ---------------------------------------------------------------- values that reach other tools

@pytest.mark.parametrize("alias", ["--deploy-prefix=x", "-b", "../up", "a b", "x;rm", ""])
def test_publish_refuses_names_that_are_not_plain_before_calling_mike(tmp_path, alias):
    from generator.project import Project
    from generator.publish import PublishError, publish

    with pytest.raises(PublishError, match="is not a usable name"):
        publish(Project(tmp_path), "2.0", [alias])


def test_github_annotations_escape_file_names_and_messages():
    from generator.problems import Problem

    line = Problem("programs/a,b:c%.yaml", 3, 1, "bad\nvalue 100%", "fix: it").github()
    assert line.startswith("::error file=programs/a%2Cb%3Ac%25.yaml,line=3,col=1::")
    assert "bad%0Avalue 100%25; fix: it" in line and "\n" not in line
