"""Reading the project's YAML data files with errors that name the file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml


class DataFileError(ValueError):
    """A data file is missing or malformed; the message names the file and the entry."""


def read_mapping(path: Path, top_key: str | None = None) -> dict[str, Any]:
    """Return the YAML mapping in ``path`` (or its ``top_key`` section)."""
    if not path.is_file():
        raise DataFileError(f"{path}: file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DataFileError(f"{path}: not valid YAML: {exc}") from exc
    if top_key is not None:
        if not isinstance(data, dict) or top_key not in data:
            raise DataFileError(f"{path}: expected a top-level '{top_key}:' section")
        data = data[top_key]
    if not isinstance(data, dict) or not data:
        where = f"'{top_key}'" if top_key else "the file"
        raise DataFileError(f"{path}: {where} must be a non-empty mapping")
    return data


def require_text(path: Path, entry: str, fields: dict[str, Any], name: str) -> str:
    """Return ``fields[name]`` as stripped text, or fail naming file, entry and field."""
    value = fields.get(name)
    if not isinstance(value, (str, int)) or not str(value).strip():
        raise DataFileError(f"{path}: entry '{entry}': '{name}' is missing or empty")
    return str(value).strip()


def compile_pattern(source: object, where: str) -> re.Pattern[str]:
    """``source`` as a case-insensitive regular expression, or fail naming ``where``."""
    try:
        return re.compile(str(source), re.IGNORECASE)
    except re.error as exc:
        raise DataFileError(f"{where}: {exc.pattern!r} is not a valid regular expression: {exc}") from exc


def read_pattern(data: dict[str, Any], key: str, path: Path) -> re.Pattern[str]:
    """The regular expression ``data[key]`` of the file ``path``, or fail naming file and key."""
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise DataFileError(f"{path}: '{key}' must be a regular expression")
    return compile_pattern(value, f"{path}: '{key}'")
