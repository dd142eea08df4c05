"""The clinic's settings (clinic.yml): who runs this assistant and how to reach them."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from backcare.contract import PROJECT_ROOT
from backcare.yamlfile import DataFileError, read_mapping, require_text

# A clinic can keep its settings outside the repository.
CLINIC_FILE_ENV = "BACKCARE_CLINIC_FILE"
DEFAULT_CLINIC_PATH = PROJECT_ROOT / "clinic.yml"
URL_FIELDS = ("booking_url", "website")
TEXT_FIELDS = ("name", "phone", "opening_hours", "emergency_number")
DEFAULT_RETENTION_DAYS = 30


@dataclass(frozen=True)
class Clinic:
    name: str
    phone: str
    booking_url: str
    website: str
    opening_hours: str
    emergency_number: str
    allowed_origins: tuple[str, ...]
    retention_days: int

    def placeholders(self) -> dict[str, str]:
        """Values for the {placeholders} that knowledge-base answers may use."""
        return {
            "clinic_name": self.name,
            "clinic_phone": self.phone,
            "booking_url": self.booking_url,
            "website": self.website,
            "opening_hours": self.opening_hours,
            "emergency_number": self.emergency_number,
        }


def clinic_path() -> Path:
    return Path(os.environ.get(CLINIC_FILE_ENV) or DEFAULT_CLINIC_PATH)


def load_clinic(path: Path | None = None) -> Clinic:
    """Load and validate the clinic settings; raise DataFileError naming the field."""
    path = path or clinic_path()
    fields = read_mapping(path, "clinic")
    values = {name: require_text(path, "clinic", fields, name) for name in TEXT_FIELDS + URL_FIELDS}
    for name in URL_FIELDS:
        if not re.match(r"https?://\S+$", values[name]):
            raise DataFileError(f"{path}: entry 'clinic': '{name}' must be an http(s) URL")
    origins = fields.get("allowed_origins", [])
    if not isinstance(origins, list) or not all(
        isinstance(o, str) and re.match(r"https?://[^/\s*]+$", o) for o in origins
    ):
        raise DataFileError(
            f"{path}: entry 'clinic': 'allowed_origins' must be a list of origins like "
            "https://www.example.org (no paths, no '*')"
        )
    retention = fields.get("retention_days", DEFAULT_RETENTION_DAYS)
    if not isinstance(retention, int) or retention < 1:
        raise DataFileError(f"{path}: entry 'clinic': 'retention_days' must be a whole number of days (1 or more)")
    return Clinic(**values, allowed_origins=tuple(origins), retention_days=retention)
