from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CONTRACT_FILE = FIXTURES / "bridge-builders.yaml"

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def make_project(root: Path, programmes: dict[str, str] | None = None) -> Path:
    """A tiny handbook project: programs/, guides/ (with the fixture guide)."""
    (root / "programs").mkdir(parents=True, exist_ok=True)
    shutil.copytree(FIXTURES / "guides", root / "guides", dirs_exist_ok=True)
    for name, text in (programmes or {}).items():
        (root / "programs" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def contract_text() -> str:
    return CONTRACT_FILE.read_text(encoding="utf-8")
