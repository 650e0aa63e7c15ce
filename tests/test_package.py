"""Adopting the generator without forking: the packaged theme, per-file overrides and ``handbook init``."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import time
import zipfile
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from browsing import free_port, http_text
from conftest import CONTRACT_FILE, FIXTURES, REPO
from generator import __version__
from generator.cli import main
from generator.pages import programme_pages
from generator.render import labels
from generator.theme import PACKAGED, Theme
from generator.validate import load_programmes
from generator.workbook import render_html, write_pdf

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}


def _contract(tmp_path: Path):
    path = tmp_path / "bridge-builders.yaml"
    path.write_text(CONTRACT_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    loaded, problems = load_programmes([path], guides_dir=FIXTURES / "guides")
    assert loaded[0].programme is not None, problems
    return loaded[0].programme


def _override(root: Path, relative: str, text: str) -> None:
    path = root / "theme" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# ------------------------------------------------------------ theme layers

def test_checkout_theme_is_the_packaged_theme_and_a_repository_without_theme_uses_it(tmp_path):
    assert PACKAGED == (REPO / "theme").resolve()  # in this checkout, theme/ is what the wheel carries
    assert Theme.for_root(REPO).layers == (PACKAGED,)
    assert Theme.for_root(tmp_path).layers == (PACKAGED,)
    pages = programme_pages(_contract(tmp_path), Theme.for_root(tmp_path))
    assert "Bridge Builders" in pages["programs/bridge-builders/index.md"]


def test_one_page_template_override_wins_and_the_rest_comes_from_the_package(tmp_path):
    prog = _contract(tmp_path)
    packaged = programme_pages(prog, Theme.for_root(tmp_path))
    original = (PACKAGED / "pages" / "goals.md.j2").read_text(encoding="utf-8")
    _override(tmp_path, "pages/goals.md.j2", "Our own goals page for {{ p.title }}.\n\n" + original)
    pages = programme_pages(prog, Theme.for_root(tmp_path))
    assert pages["programs/bridge-builders/goals.md"].startswith("Our own goals page for Bridge Builders.")
    assert pages["programs/bridge-builders/index.md"] == packaged["programs/bridge-builders/index.md"]
    assert Theme.for_root(tmp_path).find("pages/goals.md.j2") == (tmp_path / "theme/pages/goals.md.j2").resolve()
    assert Theme.for_root(tmp_path).find("pages/overview.md.j2") == PACKAGED / "pages/overview.md.j2"


def test_a_print_partial_and_print_css_override_win_in_the_pdf(tmp_path):
    prog = _contract(tmp_path)
    cover = (PACKAGED / "workbook/partials/cover.html.j2").read_text(encoding="utf-8")
    _override(tmp_path, "workbook/partials/cover.html.j2", "<p class=\"ours\">Printed by Example Corp HR</p>\n" + cover)
    css = (PACKAGED / "workbook/print.css").read_text(encoding="utf-8")
    _override(tmp_path, "workbook/print.css", css + "\n.ours::after { content: ' (house style)'; }\n")
    theme = Theme.for_root(tmp_path)
    html = render_html(prog, "workbook", "mentor", theme)
    assert "Printed by Example Corp HR" in html and "Session 1" in html  # the rest from the package
    refused = write_pdf(html, tmp_path / "out.pdf", theme)
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "out.pdf").pages[:2])
    assert "Printed by Example Corp HR (house style)" in text
    assert refused == []


def test_a_label_file_overlays_the_packaged_labels_key_by_key(tmp_path):
    _override(tmp_path, "labels/en.yaml", "downloads: Printables\n")
    _override(tmp_path, "labels/fr.yaml", "downloads: À imprimer\n")
    own, packaged = labels(Theme.for_root(tmp_path)), labels(Theme.for_root(REPO))
    assert own.downloads == "Printables" and packaged.downloads != "Printables"
    assert {k: v for k, v in own.items() if k != "downloads"} == {k: v for k, v in packaged.items() if k != "downloads"}
    french = labels(Theme.for_root(tmp_path), "fr")
    assert french.downloads == "À imprimer" and french.session == labels(Theme.for_root(REPO), "fr").session
    # the repository's English word does not leak into French pages that the package translates
    _override(tmp_path, "labels/en.yaml", "downloads: Printables\nsession: Meeting\n")
    assert labels(Theme.for_root(tmp_path), "fr").session == labels(Theme.for_root(REPO), "fr").session


def test_material_overrides_are_wired_in_after_the_repositorys_own(tmp_path):
    material, packaged = "/site-packages/material/templates", str(PACKAGED / "overrides")
    assert Theme.for_root(tmp_path).site_dirs([material], tmp_path) == [packaged, material]
    assert Theme.for_root(REPO).site_dirs([packaged, material], REPO) == [packaged, material]  # this repository
    (tmp_path / "theme" / "overrides").mkdir(parents=True)
    own, theme = str((tmp_path / "theme" / "overrides").resolve()), Theme.for_root(tmp_path)
    assert theme.site_dirs([material], tmp_path) == [own, packaged, material]  # no custom_dir needed
    assert theme.site_dirs([own, material], tmp_path) == [own, packaged, material]
    other = str(tmp_path / "elsewhere")
    assert theme.site_dirs([other, material], tmp_path) == [other, own, packaged, material]


def test_fetcher_takes_a_missing_asset_from_the_package_and_nothing_outside(tmp_path):
    from generator.fetcher import LockedFetcher

    _override(tmp_path, "workbook/print.css", "x")
    roots = Theme.for_root(tmp_path).roots("workbook")
    fetcher = LockedFetcher(roots, layered=2)
    own = roots[0].resolve()
    assert fetcher.allowed_path((own / "print.css").as_uri()) == own / "print.css"
    assert fetcher.allowed_path((own / "partials/cover.html.j2").as_uri()) == PACKAGED / "workbook/partials/cover.html.j2"
    assert fetcher.allowed_path((own / "../../secret.txt").as_uri()) is None
    assert fetcher.allowed_path((own / "nothing.png").as_uri()) is None


# ------------------------------------------------------------ handbook init

def test_init_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["init", str(tmp_path)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    assert main(["init", str(tmp_path / "new"), "--language", "not a language"]) == 2
    assert not (tmp_path / "new").exists()


def test_init_writes_a_content_only_repository_whose_settings_follow_this_one(tmp_path, capsys):
    assert main(["init", str(tmp_path / "hb"), "--model", "circle", "--language", "fr"]) == 0
    root = tmp_path / "hb"
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert files == [".github/workflows/handbook.yml", ".gitignore", ".pre-commit-config.yaml", "README.md",
                     "guides/index.md", "mkdocs.yml", "programs/first-circle-programme.yaml", "requirements.txt",
                     "schema/program.schema.json"]
    loaded, problems = load_programmes([root / "programs"], guides_dir=root / "guides", root=root)
    assert problems == [] and loaded[0].programme.language == "fr" and loaded[0].programme.status == "published"
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "handbook serve" in readme and "handbook build" in readme and __version__ in readme
    assert f"mentoring-handbook=={__version__}" in (root / "requirements.txt").read_text()
    workflow = yaml.safe_load((root / ".github/workflows/handbook.yml").read_text())
    steps = [step.get("run", "") for step in workflow["jobs"]["check"]["steps"]]
    assert "handbook validate --format github" in steps and "handbook build" in steps
    assert "${{ github.base_ref }}" in (root / ".github/workflows/handbook.yml").read_text()
    hooks = yaml.safe_load((root / ".pre-commit-config.yaml").read_text())["repos"][0]["hooks"]
    assert hooks[0]["entry"] == "handbook validate"

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    ours = yaml.load((REPO / "mkdocs.yml").read_text(), Loader=Loader)
    theirs = yaml.load((root / "mkdocs.yml").read_text(), Loader=Loader)
    assert "custom_dir" not in theirs["theme"] and theirs["theme"]["language"] == "fr"
    for config in (ours, theirs):  # words and names may differ; every setting must be the same
        for key in ("site_name", "site_description"):
            config.pop(key)
        config["theme"].pop("custom_dir", None)
        config["theme"].pop("language")
        for scheme in config["theme"]["palette"]:
            scheme["toggle"].pop("name")
    assert theirs == ours, "theme/scaffold/handbook/mkdocs.yml.j2 must follow this repository's mkdocs.yml"


def test_the_changelog_describes_this_version(capsys):
    import re

    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## (\d+\.\d+\.\d+) — \d{4}-\d{2}-\d{2}$", text, re.MULTILINE)
    assert versions[0] == __version__, "add a CHANGELOG.md entry for the version in generator/__init__.py"
    assert versions == sorted(versions, key=lambda v: tuple(map(int, v.split("."))), reverse=True)
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0 and capsys.readouterr().out.strip() == f"handbook {__version__}"


# ------------------------------------------------------------ the wheel, installed outside the checkout


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The wheel built from this checkout, installed into a new virtual environment in a temporary folder.

    Only the package comes from the wheel; its dependencies are those of the test environment
    (made visible through a .pth file, so nothing is downloaded and the checkout is not on the path).
    """
    base = tmp_path_factory.mktemp("wheel")
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "--no-build-isolation",
                          "-q", "-w", str(base / "dist")], capture_output=True, text=True, cwd=base)
    assert run.returncode == 0, run.stdout + run.stderr
    wheel = next((base / "dist").glob("mentoring_handbook-*.whl"))
    assert wheel.name.startswith(f"mentoring_handbook-{__version__}-")  # one source for the version
    names = zipfile.ZipFile(wheel).namelist()
    for relative in ("pages/session.md.j2", "workbook/print.css", "workbook/partials/cover.html.j2",
                     "labels/en.yaml", "labels/fr.yaml", "scaffold/programme.yaml.j2",
                     "scaffold/handbook/mkdocs.yml.j2", "overrides/assets/stylesheets/handbook.css"):
        assert f"generator/theme/{relative}" in names
    shipped = {p.relative_to(REPO / "theme").as_posix() for p in (REPO / "theme").rglob("*") if p.is_file()}
    assert {n.removeprefix("generator/theme/") for n in names if n.startswith("generator/theme/")} == shipped
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    (Path(purelib) / "handbook_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                         capture_output=True, text=True, cwd=base, env=_env(base, venv / "bin"))
    assert run.returncode == 0, run.stdout + run.stderr
    # the console script pip would have written for the mkdocs dependency (mike runs 'mkdocs')
    script = venv / "bin" / "mkdocs"
    script.write_text(f"#!{python}\nimport sys\nfrom mkdocs.__main__ import cli\nsys.exit(cli())\n")
    script.chmod(0o755)
    where = subprocess.run([str(python), "-c", "import generator.theme as t; print(t.PACKAGED)"],
                           check=True, capture_output=True, text=True, cwd=base,
                           env=_env(base, venv / "bin")).stdout.strip()
    assert Path(where).is_relative_to(venv) and not Path(where).is_relative_to(REPO)
    return venv / "bin"


def _env(root: Path, bin_dir: Path) -> dict[str, str]:
    """As in a shell where the new virtual environment is activated."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HANDBOOK_") and k != "PYTHONPATH"}
    return {**env, **GIT_ENV, "NO_MKDOCS_2_WARNING": "1", "HANDBOOK_CACHE": str(root / ".cache"),
            "VIRTUAL_ENV": str(bin_dir.parent), "PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"}


def test_installed_wheel_init_validate_build_override_serve_and_publish(installed, tmp_path):
    handbook = str(installed / "handbook")
    root = tmp_path / "our-handbook"
    root.mkdir()

    def run(*args: str):
        return subprocess.run([handbook, *args], cwd=root, capture_output=True, text=True, env=_env(root, installed))

    version = run("--version")
    assert version.stdout.strip() == f"handbook {__version__}"
    init = run("init", ".", "--model", "one-to-one")
    assert init.returncode == 0, init.stderr
    assert not (root / "theme").exists()
    checked = run("validate")
    assert checked.returncode == 0 and "1 of 1 programme file(s) valid" in checked.stderr, checked.stdout + checked.stderr

    # no theme/ folder: site and PDFs entirely from the package
    built = run("build", "--jobs", "2")
    assert built.returncode == 0, built.stdout + built.stderr
    site = root / "site"
    programme = site / "programs" / "first-one-to-one-programme"
    assert (site / "index.html").is_file() and (programme / "sessions" / "session-01" / "index.html").is_file()
    assert "First One To One Programme" in (site / "index.html").read_text(encoding="utf-8")
    assert (site / "assets" / "stylesheets" / "handbook.css").is_file()  # the packaged Material overrides
    pdfs = sorted(p.name for p in (programme / "downloads").glob("*.pdf"))
    assert "first-one-to-one-programme-mentee-workbook.pdf" in pdfs and len(pdfs) >= 5
    assert all(len(PdfReader(programme / "downloads" / name).pages) >= 1 for name in pdfs)
    workbook = PdfReader(programme / "downloads" / "first-one-to-one-programme-mentee-workbook.pdf")
    assert "First One To One Programme" in " ".join(workbook.pages[0].extract_text().split())

    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "first edition"]):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=_env(root, installed))
    published = run("publish", "1.0", "--alias", "latest")
    assert published.returncode == 0, published.stdout + published.stderr
    listed = run("publish", "--list")
    assert listed.stdout.split("\n")[0] == "1.0 [latest]"
    tree = subprocess.run(["git", "ls-tree", "-r", "--name-only", "gh-pages"], cwd=root, check=True,
                          capture_output=True, text=True).stdout.split("\n")
    assert "1.0/programs/first-one-to-one-programme/downloads/first-one-to-one-programme-mentee-workbook.pdf" in tree

    port = free_port()
    server = subprocess.Popen([handbook, "serve", "--addr", f"127.0.0.1:{port}"], cwd=root, env=_env(root, installed),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline, page = time.monotonic() + 120, ""
        while time.monotonic() < deadline and "First One To One Programme" not in page:
            time.sleep(0.3)
            page = http_text(f"http://127.0.0.1:{port}/programs/first-one-to-one-programme/")
        assert "First One To One Programme" in page
    finally:
        server.terminate()
        server.wait(20)

    # one file under theme/ changes the output; everything else still comes from the package
    _override(root, "labels/en.yaml", "downloads: Printables for Example Corp\n")
    _override(root, "overrides/partials/copyright.html", '<div class="md-copyright">Example Corp HR</div>\n')
    rebuilt = run("build", "--no-pdfs")
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Example Corp HR" in home and "First One To One Programme" in home
    downloads = (programme / "downloads" / "index.html").read_text(encoding="utf-8")
    assert "Printables for Example Corp" in downloads and ">Downloads<" not in downloads
    assert (site / "assets" / "stylesheets" / "handbook.css").is_file()
