"""Shared test set-up: copies of data files to break."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A scratch copy of knowledge/ that a test may corrupt."""
    target = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", target)
    return target
