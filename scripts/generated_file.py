"""A data file made by a script from a development tool's data (scripts/spelling_words.py,
scripts/english_words.py): write it, or check that it is up to date."""

from __future__ import annotations

import sys
from pathlib import Path


def write_or_check(path: Path, text: str, command: str, check: bool, summary: str = "") -> int:
    """With ``check``, exit status 1 (and the command to run) if ``path`` differs from ``text``;
    otherwise write it. ``summary`` is printed after the path ("18,380 words")."""
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    if check:
        if current != text:
            print(f"{path} is out of date: run python -m {command}", file=sys.stderr)
            return 1
        print(f"{path}: up to date")
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}" + (f" ({summary})" if summary else ""))
    return 0
