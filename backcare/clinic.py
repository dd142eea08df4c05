"""The clinic's settings (clinic.yml): who runs this assistant and how to reach them."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from backcare.colours import HEX_COLOUR, MIN_TEXT_CONTRAST, contrast_ratio
from backcare.contract import PROJECT_ROOT
from backcare.yamlfile import DataFileError, read_mapping, require_text

# A clinic can keep its settings outside the repository.
CLINIC_FILE_ENV = "BACKCARE_CLINIC_FILE"
DEFAULT_CLINIC_PATH = PROJECT_ROOT / "clinic.yml"
URL_FIELDS = ("booking_url", "website")
TEXT_FIELDS = ("name", "phone", "opening_hours", "emergency_number")
DEFAULT_RETENTION_DAYS = 30
# The chat widget's colours: the header, the launcher and the patient's messages.
DEFAULT_COLOURS = {"brand_colour": "#1f6f78", "brand_text_colour": "#ffffff"}


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
    brand_colour: str = DEFAULT_COLOURS["brand_colour"]
    brand_text_colour: str = DEFAULT_COLOURS["brand_text_colour"]

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
    colours = _colours(path, fields)
    return Clinic(**values, allowed_origins=tuple(origins), retention_days=retention, **colours)


def _colours(path: Path, fields: dict) -> dict[str, str]:
    """The widget's colours: '#rrggbb', text on the brand colour readable (4.5:1 or more)."""
    colours = {name: fields.get(name, default) for name, default in DEFAULT_COLOURS.items()}
    for name, value in colours.items():
        if not isinstance(value, str) or not HEX_COLOUR.match(value):
            raise DataFileError(f"{path}: entry 'clinic': '{name}' must be a colour like \"#1f6f78\"")
    ratio = contrast_ratio(colours["brand_colour"], colours["brand_text_colour"])
    if ratio < MIN_TEXT_CONTRAST:
        raise DataFileError(
            f"{path}: entry 'clinic': 'brand_text_colour' on 'brand_colour' has a contrast of "
            f"{ratio:.1f}:1; it must be at least {MIN_TEXT_CONTRAST}:1 to be readable"
        )
    return colours
