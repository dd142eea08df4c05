"""Which knowledge-base entry answers a turn: the intent's topic, refined by a named
massage type or health condition."""

from __future__ import annotations

from dataclasses import dataclass

from backcare.contract import CONDITION_TOPIC, MASSAGE_TYPE_TOPIC
from backcare.knowledge import Entry, KnowledgeBase

# Questions that, when they name a condition, are really about massage with that condition
# ("had my op six weeks ago, is it too soon?": timing, with a named condition).
REFINED_BY_CONDITION = frozenset(
    {
        CONDITION_TOPIC,
        MASSAGE_TYPE_TOPIC,
        "acute_vs_chronic",
        "precautions",
        "effectiveness",
        "benefits",
        "massage_types",
        "side_effects",
        "when_to_see_doctor",
    }
)
# Questions that, when they name a massage type, are really about that type.
REFINED_BY_MASSAGE_TYPE = frozenset(
    {
        MASSAGE_TYPE_TOPIC,
        "massage_types",
        "effectiveness",
        "benefits",
        "evidence",
        "how_it_works",
    }
)


# The topic about a named entity -> the questions that entity refines.
REFINED_BY_ENTITY_TOPIC = {CONDITION_TOPIC: REFINED_BY_CONDITION, MASSAGE_TYPE_TOPIC: REFINED_BY_MASSAGE_TYPE}


@dataclass(frozen=True)
class Choice:
    entry: Entry
    # Set when the user asked about "a type"/"a condition" without naming one: offer a pick.
    offer: str | None = None  # "massage_type" or "health_condition"


def choose_entry(
    kb: KnowledgeBase,
    intent: str,
    massage_types: list[str],
    condition: str | None,
    remembered_massage_type: str | None = None,
    remembered_condition: str | None = None,
) -> Choice | None:
    """The entry for this turn, or None if the intent is not a knowledge-base topic.

    ``massage_types``/``condition`` are named in this message; the ``remembered_`` values
    are earlier slots, used only when the user asks about "it" without naming it again.
    A named condition wins over a named type: safety advice comes first. Two or more named
    types ("swedish or deep tissue?") ask for the comparison, not one type's page.
    """
    if intent not in kb.topics:
        return None
    if condition in kb.conditions and intent in REFINED_BY_CONDITION:
        return Choice(kb.conditions[condition])
    named = list(dict.fromkeys(t for t in massage_types if t in kb.massage_types))
    if len(named) >= 2 and intent in REFINED_BY_MASSAGE_TYPE:
        return Choice(kb.topics["massage_types"])
    massage_type = named[0] if named else None
    if massage_type in kb.massage_types and intent in REFINED_BY_MASSAGE_TYPE:
        return Choice(kb.massage_types[massage_type])
    if intent == CONDITION_TOPIC:
        if remembered_condition in kb.conditions:
            return Choice(kb.conditions[remembered_condition])
        return Choice(kb.topics[intent], offer="health_condition")
    if intent == MASSAGE_TYPE_TOPIC:
        if remembered_massage_type in kb.massage_types:
            return Choice(kb.massage_types[remembered_massage_type])
        return Choice(kb.topics[intent], offer="massage_type")
    return Choice(kb.topics[intent])
