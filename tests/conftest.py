"""Shared test set-up: the patches applied as the server applies them, and copies of data files to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import patches

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    """Before any test module imports Rasa: patches.py applied, as `backcare-rasa` applies it
    at server start and in training (its version check first)."""
    patches.apply()


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A scratch copy of knowledge/ that a test may corrupt."""
    target = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", target)
    return target
