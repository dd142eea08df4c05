"""The ids every part of the bot agrees on, read from the Rasa domain.

domain.yml is the single source of truth: the categorical slots `topic`, `massage_type`
and `health_condition` list the topic ids and entity values of the product contract.
The knowledge base, the actions and the tests are checked against them.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from backcare.yamlfile import DataFileError, read_mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DOMAIN_PATH = PROJECT_ROOT / "domain.yml"

# Topics that are behaviours of the bot rather than knowledge-base answers.
BEHAVIOUR_TOPICS = frozenset({"sources", "red_flags", "out_of_scope", "clarify"})
# Intents of a red-flag referral, by tier (the red-flag screen sets them).
RED_FLAG_INTENT = {"emergency": "red_flag_emergency", "urgent": "red_flag_urgent"}
RED_FLAG_INTENTS = frozenset(RED_FLAG_INTENT.values())
# Entity the red-flag screen adds, one per sign recognised (value: the sign id).
RED_FLAG_SIGN_ENTITY = "red_flag_sign"
# Entities the screen adds with every referral or check: the tier (emergency, urgent or
# check) and, for a check, the suspected signs in plain words.
RED_FLAG_TIER_ENTITY = "red_flag_tier"
RED_FLAG_CHECK_ENTITY = "red_flag_check"
RED_FLAG_TIERS = ("emergency", "urgent", "check")
# Topics answered from a per-value entry, keyed by the entity that names the value.
MASSAGE_TYPE_TOPIC = "massage_type_detail"
CONDITION_TOPIC = "condition_advice"


@dataclass(frozen=True)
class Contract:
    topics: tuple[str, ...]
    massage_types: tuple[str, ...]
    health_conditions: tuple[str, ...]

    @property
    def knowledge_topics(self) -> tuple[str, ...]:
        """Topic ids that must have a knowledge-base entry."""
        return tuple(t for t in self.topics if t not in BEHAVIOUR_TOPICS)


def _slot_values(domain_path: Path, slots: dict, name: str) -> tuple[str, ...]:
    values = (slots.get(name) or {}).get("values")
    if not isinstance(values, list) or not values:
        raise DataFileError(f"{domain_path}: slot '{name}' must be categorical with values")
    return tuple(str(v) for v in values)


def load_contract(domain_path: Path = DOMAIN_PATH) -> Contract:
    slots = read_mapping(domain_path, "slots")
    return Contract(
        topics=_slot_values(domain_path, slots, "topic"),
        massage_types=_slot_values(domain_path, slots, "massage_type"),
        health_conditions=_slot_values(domain_path, slots, "health_condition"),
    )
