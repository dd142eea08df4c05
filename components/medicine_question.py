"""Routes a question about a medicine's dose, effects or mixing to the medicines notice.

The classifier learns "a medicine is named" from a marker token (components/question_focus.py)
but can still rank an everyday word higher: "how many tylenol is too many in a day" looks
like a question about how often to have a massage. A message that names a medicine, asks
about taking it (knowledge/medicine_questions.yml) in a question that names no massage or
other treatment is a medicines question: the bot never advises on medicines, so it says who can. So is
a question that asks which medicine to take in words for any medicine ("which painkiller would you
suggest then?", ``chooses``). Messages that compare massage with a medicine stay with the classifier
(medication_comparison).

The other way round: a medicine that is also a condition massage must allow for (blood
thinners), named as the person's own situation ("i take rivaroxaban, does that count", "im on
blood thinners tho, problem?") in a message that asks nothing about taking it, is a question
about massage with that condition, though the classifier read the drug's name as a medicines
question: its confidence goes to condition_advice (knowledge/medicine_questions.yml,
``condition_medicines``). Runs before the red-flag screen, which still wins.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from backcare.contract import CONDITION_TOPIC, Slot
from backcare.medicine_comparison import MEDICINE_QUESTIONS_PATH, word_list
from backcare.scope_words import load_scope_words
from backcare.yamlfile import DataFileError, read_mapping, read_pattern
from components.intents import IntentRouter
from components.question_focus import focus_spans

MEDICINES_INTENT = "medicines"
# A pronoun that can stand for a treatment named earlier in the message.
_REFERS_BACK = re.compile(r"\b(?:it|that|this)\b", re.IGNORECASE)


class MedicineQuestions:
    """Tells a question about taking a medicine from one comparing massage with medicines."""

    def __init__(self, path: Path = MEDICINE_QUESTIONS_PATH) -> None:
        self.medicine = load_scope_words()["__medicine__"]
        data = read_mapping(path)  # once; each list below names the file in its errors
        self.asks = word_list(data, path, "asks")
        self.treatments = word_list(data, path, "treatments")
        self.medicated_patches = word_list(data, path, "medicated_patches")
        self.patches = word_list(data, path, "patches")
        self.heat_on_skin = word_list(data, path, "heat_on_skin")
        self.chooses = read_pattern(data, "chooses", path)
        self.condition_medicines, self.taking, self.not_as_condition = _condition_medicines(data, path)

    def is_medicine_question(self, text: Text) -> bool:
        """A medicine named anywhere, and a question (the message's question sentences, or the
        whole of a one-sentence message) that asks about taking it and names no treatment:
        "... I've thought about massage, but that's for later. Are those safe to take with my
        heart tablets?" asks about the tablets."""
        if self.heats_a_medicine_patch(text):
            return True
        names_a_medicine = self.medicine.search(text) is not None
        chooses = self.chooses.search(text) is not None
        if not (names_a_medicine or chooses):
            return False  # most messages: no question sentences to find
        questions = [text[start:end] for start, end in focus_spans(text)] or [text]
        if chooses and any(self.chooses.search(q) and not self.treatments.search(q) for q in questions):
            return True  # "which painkiller would you suggest then?"
        if not names_a_medicine:
            return False
        if self.treatments.search(text):
            # "Is it realistic to use it instead of them?" after naming massage: "it" is the
            # massage, so the question compares it with the medicine.
            questions = [q for q in questions if not _REFERS_BACK.search(q)]
        return any(self.asks.search(q) and not self.treatments.search(q) for q in questions)

    def takes_as_condition(self, text: Text, entities: List[Dict[Text, Any]]) -> bool:
        """A condition that is a medicine (blood thinners) named as what the person takes ("I'm
        on warfarin", "i take rivaroxaban"), in a message that is not a medicine question and
        names no other medicine ("which painkiller is safe alongside warfarin?" asks about one)."""
        spans = [
            (int(entity.get(ENTITY_ATTRIBUTE_START) or 0), int(entity.get(ENTITY_ATTRIBUTE_END) or 0))
            for entity in entities
            if entity.get(ENTITY_ATTRIBUTE_TYPE) == Slot.HEALTH_CONDITION
            and entity.get(ENTITY_ATTRIBUTE_VALUE) in self.condition_medicines
        ]
        if not any(self.taking.search(text[:start].lower()) for start, _ in spans):
            return False
        rest = text
        for start, end in sorted(spans, reverse=True):
            rest = rest[:start] + " " + rest[end:]
        return (
            not self.medicine.search(rest)
            and not self.not_as_condition.search(text.lower())
            and not self.is_medicine_question(text)
        )

    def heats_a_medicine_patch(self, text: Text) -> bool:
        """Heat near a medicine patch ("a heat pad near his fentanyl patch"): warmth raises the
        dose the skin takes up, so it is a medicines question, not heat at home."""
        patch = self.medicated_patches.search(text) or (self.patches.search(text) and self.medicine.search(text))
        return bool(patch) and bool(self.heat_on_skin.search(text))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class MedicineQuestionRouter(IntentRouter):
    """Sets the intent `medicines` for a question about taking a medicine (see the module)."""

    intent = MEDICINES_INTENT

    def __init__(self, questions: MedicineQuestions) -> None:
        self._questions = questions

    @classmethod
    def from_files(cls) -> MedicineQuestionRouter:
        return cls(MedicineQuestions())

    def matches(self, text: Text) -> bool:
        return self._questions.is_medicine_question(text)

    def process(self, messages: List[Message]) -> List[Message]:
        super().process(messages)
        for message in messages:
            if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == self.intent and self._questions.takes_as_condition(
                message.get(TEXT) or "", message.get(ENTITIES) or []
            ):
                _as_condition_question(message)
        return messages


def _as_condition_question(message: Message) -> None:
    """The classifier's confidence in `medicines` (and in condition_advice) goes to condition_advice."""
    ranking = message.get(INTENT_RANKING_KEY) or []
    moved = sum(
        float(r.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
        for r in ranking
        if r.get(INTENT_NAME_KEY) in (MEDICINES_INTENT, CONDITION_TOPIC)
    )
    rest = [r for r in ranking if r.get(INTENT_NAME_KEY) not in (MEDICINES_INTENT, CONDITION_TOPIC)]
    chosen = {INTENT_NAME_KEY: CONDITION_TOPIC, PREDICTED_CONFIDENCE_KEY: moved}
    message.set(INTENT, chosen)
    message.set(INTENT_RANKING_KEY, sorted([chosen] + rest, key=lambda r: -float(r[PREDICTED_CONFIDENCE_KEY])))


def _condition_medicines(
    document: Dict[str, Any], path: Path
) -> tuple[frozenset[str], re.Pattern[str], re.Pattern[str]]:
    data = document.get("condition_medicines")
    if not isinstance(data, dict):
        raise DataFileError(f"{path}: 'condition_medicines' needs conditions, taking and not_when")
    try:
        return (
            frozenset(map(str, data["conditions"])),
            re.compile(str(data["taking"])),
            re.compile(str(data["not_when"])),
        )
    except (KeyError, TypeError) as exc:
        raise DataFileError(f"{path}: 'condition_medicines' needs conditions, taking and not_when ({exc})") from exc
    except re.error as exc:
        raise DataFileError(f"{path}: a pattern of 'condition_medicines' is not valid: {exc}") from exc
