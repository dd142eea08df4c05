"""Knowledge base, clinic settings, red-flag vocabulary and message texts, loaded once when the action
server starts, so a broken file stops it with a clear message instead of failing at a
user's question."""

from __future__ import annotations

from backcare.clinic import load_clinic
from backcare.contract import load_contract
from backcare.knowledge import load_knowledge_base
from backcare.messages import load_messages
from backcare.redflags import load_screen
from backcare.scope import load_scope_check
from backcare.yamlfile import DataFileError

try:
    CONTRACT = load_contract()
    KB = load_knowledge_base(contract=CONTRACT)
    CLINIC = load_clinic()
    SCREEN = load_screen(known_sources=set(KB.sources))
    MESSAGES = load_messages()
    SCOPE = load_scope_check()
except DataFileError as exc:
    raise SystemExit(f"Cannot start the action server: {exc}") from exc
