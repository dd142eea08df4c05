"""The names every part of the bot agrees on: the one place each is spelt out.

domain.yml declares them to Rasa: the categorical slots `topic`, `massage_type` and
`health_condition` list the topic ids and entity values of the product contract, and the
names below (slots, behaviour topics, scope reasons, red-flag tiers, feedback values) must be
declared there too. The actions, the red-flag screen, the clinic report and the tests read
them from here; tests/test_domain_contract.py checks that domain.yml agrees, both ways.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

from backcare.yamlfile import DataFileError, read_mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DOMAIN_PATH = PROJECT_ROOT / "domain.yml"


class Slot:
    """The slots of domain.yml, each set by the custom actions."""

    TOPIC: Final = "topic"
    MASSAGE_TYPE: Final = "massage_type"
    HEALTH_CONDITION: Final = "health_condition"
    CITED_SOURCES: Final = "cited_sources"
    RED_FLAG_TIER: Final = "red_flag_tier"
    RED_FLAG_CHECK: Final = "red_flag_check"
    FEEDBACK: Final = "feedback"
    FEEDBACK_TOPIC: Final = "feedback_topic"
    SCOPE_REASON: Final = "scope_reason"
    SUGGESTED_TOPICS: Final = "suggested_topics"


class Topic:
    """Values of the `topic` slot that are behaviours of the bot, not knowledge-base answers."""

    SOURCES: Final = "sources"
    RED_FLAGS: Final = "red_flags"
    OUT_OF_SCOPE: Final = "out_of_scope"
    CLARIFY: Final = "clarify"


class ScopeReason:
    """Values of the `scope_reason` slot: why a question was not answered."""

    MEDICINES: Final = "medicines"
    OTHER_BODY_PART: Final = "other_body_part"
    OFF_TOPIC: Final = "off_topic"


class Tier:
    """Values of the `red_flag_tier` slot: a referral's urgency, or a check question."""

    EMERGENCY: Final = "emergency"
    URGENT: Final = "urgent"
    CHECK: Final = "check"


class Feedback:
    """Values of the `feedback` slot."""

    HELPFUL: Final = "helpful"
    NOT_HELPFUL: Final = "not_helpful"


def names(of: type) -> tuple[str, ...]:
    """The names a class above lists, in the order it lists them."""
    return tuple(value for key, value in vars(of).items() if key.isupper())


# Topics that are behaviours of the bot rather than knowledge-base answers.
BEHAVIOUR_TOPICS = frozenset(names(Topic))
# Intents of a red-flag referral, by tier (the red-flag screen sets them), most urgent first.
RED_FLAG_INTENT = {Tier.EMERGENCY: "red_flag_emergency", Tier.URGENT: "red_flag_urgent"}
RED_FLAG_INTENTS = frozenset(RED_FLAG_INTENT.values())
# Entity the red-flag screen adds, one per sign recognised (value: the sign id).
RED_FLAG_SIGN_ENTITY = "red_flag_sign"
# Entities the screen adds with every referral or check: the tier (emergency, urgent or
# check) and, for a check, the suspected signs in plain words.
RED_FLAG_TIER_ENTITY = "red_flag_tier"
RED_FLAG_CHECK_ENTITY = "red_flag_check"
# Entity the screen adds to the safety check of a message it cannot read (mostly in another
# language): the check names the signs of both tiers.
UNREAD_LANGUAGE_ENTITY = "unread_language"
# The parse-data key naming the language a message was read from in English words
# (components/language_reader.py): "spanish" or "french".
READ_FROM_LANGUAGE = "read_from_language"
# The key of a message's metadata, as the NLU pipeline sees it, with the texts of the
# conversation's last user messages before it (patches.py puts them there from the tracker):
# the red-flag screen reads a sign told over several messages.
EARLIER_MESSAGES = "backcare_earlier_messages"
# The parse-data key with the intent of a long message's question sentence read on its own
# (components/question_sentence.py): {"text": ..., "name": ..., "confidence": ...}.
QUESTION_SENTENCE = "question_sentence"
# The parse-data key with the intent ranking of a message parsed joined to the user's message
# before it, as one text (patches.py, for a message the classifier is unsure of):
# {"intent_ranking": [{"name": ..., "confidence": ...}, ...]}.
WITH_MESSAGE_BEFORE = "with_message_before"
RED_FLAG_TIERS = names(Tier)
# Intents that are out of scope, and the scope reason each one sets.
SCOPE_REASON_OF_INTENT = {
    "medicines": ScopeReason.MEDICINES,
    "other_body_part": ScopeReason.OTHER_BODY_PART,
    "out_of_scope": ScopeReason.OFF_TOPIC,
}
# "Why?", "how long does that last?", "does it hurt?": a question about whatever the previous
# answer said, with no topic of its own (backcare/clarify.py reads it as that topic).
FOLLOW_UP_INTENT = "about_previous_answer"
# "Help, my back hurts": no question yet; answered by utter_vague_opener (domain.yml).
VAGUE_OPENER_INTENT = "vague_opener"
# A "yes" / a "no", typed or a button's (Rasa's core intents, data/nlu).
AFFIRM_INTENT = "affirm"
DENY_INTENT = "deny"
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
        topics=_slot_values(domain_path, slots, Slot.TOPIC),
        massage_types=_slot_values(domain_path, slots, Slot.MASSAGE_TYPE),
        health_conditions=_slot_values(domain_path, slots, Slot.HEALTH_CONDITION),
    )
