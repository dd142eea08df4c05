"""Texts the custom actions fill in (knowledge/messages.yml)."""

from __future__ import annotations

import string
from pathlib import Path

from backcare.contract import PROJECT_ROOT
from backcare.yamlfile import DataFileError, read_mapping, require_text

MESSAGES_PATH = PROJECT_ROOT / "knowledge" / "messages.yml"
# Each message and the values the code fills in: the file may use only these.
EXPECTED = {
    "notice": {"emergency_number", "clinic_name", "clinic_phone"},
    "no_previous_answer": set(),
    "check_cleared": set(),
    "sources_intro": {"citations"},
    "red_flag_emergency_details": {"sign", "emergency_number", "clinic_name", "clinic_phone"},
    "red_flag_urgent_details": {"sign", "emergency_number", "clinic_name", "clinic_phone"},
    "red_flag_sign_sources": {"sources"},
    "feedback_yes_button": set(),
    "feedback_no_button": set(),
    "feedback_thanks": set(),
    "feedback_sorry": {"clinic_name", "clinic_phone"},
    "feedback_contact_button": set(),
    "feedback_nothing_to_rate": {"clinic_name", "clinic_phone"},
    "clarify_question": set(),
    "something_else_button": set(),
    "answered_in_english_spanish": set(),
    "answered_in_english_french": set(),
}
# The message before a reply to a question read from this language.
ANSWERED_IN_ENGLISH = "answered_in_english_{language}"


def load_messages(path: Path = MESSAGES_PATH) -> dict[str, str]:
    raw = read_mapping(path, "messages")
    missing = sorted(set(EXPECTED) - set(raw))
    if missing:
        raise DataFileError(f"{path}: missing messages {missing}")
    messages = {}
    for name, allowed in EXPECTED.items():
        text = require_text(path, name, raw, name)
        used = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
        if not used <= allowed:
            raise DataFileError(f"{path}: message '{name}': unknown placeholders {sorted(used - allowed)}")
        messages[name] = text
    return messages
