"""`make lint` fails on code that breaks its gates: a file out of ruff's format, a lint finding,
a type error. Each is a copy in a scratch folder, checked by the tools `make lint` runs with
the project's own settings (pyproject.toml); the same code written correctly passes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CONFIG = ROOT / "pyproject.toml"

MISFORMATTED = "def total( prices,tax ):\n  return sum( prices )*(1+tax)\n"
FORMATTED = "def total(prices, tax):\n    return sum(prices) * (1 + tax)\n"


def _run(*command: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in command], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_make_lint_runs_the_three_checks_on_the_whole_project() -> None:
    recipe = re.search(r"^lint:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert recipe is not None
    assert recipe.group(1).strip() == "@$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy"
    assert re.search(r"^test: \S+ lint ", (ROOT / "Makefile").read_text(), re.MULTILINE)


def test_a_misformatted_file_fails_the_format_check(tmp_path: Path) -> None:
    bad = tmp_path / "misformatted.py"
    bad.write_text(MISFORMATTED)
    check = _run(BIN / "ruff", "format", "--check", "--config", CONFIG, bad)
    assert check.returncode == 1
    lines = check.stdout.splitlines()
    assert lines[0] == "unformatted: File would be reformatted"
    assert lines[1].endswith("misformatted.py:1:11") and lines[-1] == "1 file would be reformatted"
    assert "1 + def total(prices, tax):" in lines  # the format it asks for
    bad.write_text(FORMATTED)
    assert _run(BIN / "ruff", "format", "--check", "--config", CONFIG, bad).returncode == 0


def test_an_unused_import_fails_the_lint_check(tmp_path: Path) -> None:
    bad = tmp_path / "unused.py"
    bad.write_text("import os\n\n\n" + FORMATTED)
    check = _run(BIN / "ruff", "check", "--config", CONFIG, "--output-format", "concise", bad)
    assert check.returncode == 1
    assert f"{bad}:1:8: F401 [*] `os` imported but unused" in check.stdout.splitlines()


def test_a_type_error_fails_the_type_check(tmp_path: Path) -> None:
    bad = tmp_path / "typed.py"
    bad.write_text('def total(prices: list[float]) -> float:\n    return "none"\n')
    check = _run(BIN / "mypy", "--config-file", CONFIG, "--no-incremental", bad)
    assert check.returncode == 1
    assert check.stdout.splitlines()[0] == (
        f'{bad}:2: error: Incompatible return value type (got "str", expected "float")  [return-value]'
    )
