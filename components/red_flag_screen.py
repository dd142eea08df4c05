"""Rasa NLU component: the deterministic red-flag screen, run inside the Rasa server.

It runs last in the pipeline, so its decision wins over the intent classifier and the
FallbackClassifier. Four outcomes, all decided here so they work with the action server
down:
- a recognised sign: the message becomes `red_flag_emergency` or `red_flag_urgent` with one
  `red_flag_sign` entity per sign and a `red_flag_tier` entity; FAQ entities are dropped,
  because a red flag must not go on to recommend a massage;
- a suspected sign (the screen's weaker evidence, or the classifier ranking a red flag first
  with `check_confidence` or more in a message naming a sign's site or symptom, which the
  screen cannot confirm): the same intent with a
  `red_flag_check` entity (the signs in plain words) and `red_flag_tier: check`, which the
  rules answer with a yes/no safety check that already says where to go now;
- a message the screen cannot read (mostly another language; backcare/languages.py), or one
  read from Spanish or French (components/language_reader.py) that names a sign's site or
  symptom the screen neither found nor ruled out:
  `red_flag_emergency` with `red_flag_tier: check` and an `unread_language` entity, which the
  rules answer with the safety check of both tiers and a request to write in English;
- otherwise a red-flag guess of the classifier gives way to its next-best intent.
A message with no sign of its own is also read with the conversation's last two user messages
before it (patches.py gives them to the pipeline): a sign told over several messages, "I'm 67"
then "never had back trouble but this week it's agony", is referred (or checked) as if told in
one, unless the earlier messages alone already told it.
The chosen intent always comes first in `intent_ranking`, so the SDK's
`get_intent_of_latest_message()` returns the intent the bot acted on.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Reversible, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.events import Event, SessionStarted, UserUttered
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_CONFIDENCE,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from backcare.contract import (
    DENY_INTENT,
    EARLIER_MESSAGES,
    READ_FROM_LANGUAGE,
    RED_FLAG_CHECK_ENTITY,
    RED_FLAG_INTENT,
    RED_FLAG_INTENTS,
    RED_FLAG_SIGN_ENTITY,
    RED_FLAG_TIER_ENTITY,
    UNREAD_LANGUAGE_ENTITY,
    Tier,
)
from backcare.redflags import RedFlagScreen as Screen
from backcare.redflags import Screening, shared_screen
from components.intents import choose_intent

# How many of the user's messages before this one the screen reads with it: a context told
# first ("I'm 67", "I had breast cancer") and the sign's other part two messages later.
EARLIER_MESSAGES_JOINED = 2
# How many it is given: in those before the joined ones only a back pain named counts
# (knowledge/red_flags.yml, back_named_earlier), not their other words.
EARLIER_MESSAGES_KEPT = 8


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RedFlagScreen(GraphComponent):
    """Routes any message that describes a warning sign to the referral or a safety check."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # A red-flag intent ranked first by the classifier with at least this confidence,
        # and not confirmed by the screen, gets the safety check (chosen on the case sets:
        # `make eval` prints recall and the check rate on messages without a sign).
        return {"check_confidence": 0.6}

    def __init__(self, screen: Screen, check_confidence: float) -> None:
        self._screen = screen
        self._check_confidence = check_confidence

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "RedFlagScreen":
        # Loaded once per process: a broken vocabulary stops the server with a clear message.
        screen = shared_screen()
        return cls(screen, float(config["check_confidence"]))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._process_one(message)
        return messages

    def _process_one(self, message: Message) -> None:
        text: Optional[Text] = message.get(TEXT)
        if not text:
            return
        screening = self._screen.screen(text)
        if not screening.tier:
            screening = self._with_earlier_messages(message, screening)
        intent = message.get(INTENT) or {}
        if screening.tier:
            choose_intent(message, {INTENT_NAME_KEY: RED_FLAG_INTENT[screening.tier], PREDICTED_CONFIDENCE_KEY: 1.0})
            entities = [_entity(text, RED_FLAG_SIGN_ENTITY, sign.id) for sign in screening.signs]
            message.set(ENTITIES, entities + [_entity(text, RED_FLAG_TIER_ENTITY, screening.tier)])
            return
        check_tier, says = screening.check_tier, [s.says for s in screening.suspected]
        # The classifier's guess counts only where the screen saw no sign words it could
        # judge: "no numbness, not weak", "my mum had cancer" or "lost 8 kg on purpose" are
        # read, not guessed.
        judged = screening.negated or screening.qualified
        guessed = intent.get(INTENT_NAME_KEY) in RED_FLAG_INTENTS and (
            float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0) >= self._check_confidence
        )
        # (the word search last: most messages are no red-flag guess)
        if check_tier is None and not judged and guessed and self._screen.names_sign_words(screening.text):
            check_tier = next(t for t, name in RED_FLAG_INTENT.items() if name == intent[INTENT_NAME_KEY])
            says = [self._screen.check_signs[check_tier]]
        if check_tier:
            choose_intent(message, {INTENT_NAME_KEY: RED_FLAG_INTENT[check_tier], PREDICTED_CONFIDENCE_KEY: 1.0})
            message.set(
                ENTITIES,
                [
                    _entity(text, RED_FLAG_CHECK_ENTITY, _join(says)),
                    _entity(text, RED_FLAG_TIER_ENTITY, Tier.CHECK),
                ],
            )
        elif screening.unread or (
            message.get(READ_FROM_LANGUAGE) and not judged and self._screen.names_sign_words(screening.text)
        ):
            # Mostly in a language the screen cannot read, or read from one by its words and
            # naming a sign's site or symptom: finding no sign means nothing, so the safety check
            # of both tiers, in plain English, before anything else.
            choose_intent(message, {INTENT_NAME_KEY: RED_FLAG_INTENT[Tier.EMERGENCY], PREDICTED_CONFIDENCE_KEY: 1.0})
            message.set(
                ENTITIES,
                [_entity(text, RED_FLAG_TIER_ENTITY, Tier.CHECK), _entity(text, UNREAD_LANGUAGE_ENTITY, "true")],
            )
        elif intent.get(INTENT_NAME_KEY) in RED_FLAG_INTENTS:
            ranking = message.get(INTENT_RANKING_KEY) or []
            fallback = next((r for r in ranking if r.get(INTENT_NAME_KEY) not in RED_FLAG_INTENTS), None)
            if fallback:
                choose_intent(message, dict(fallback))

    def _with_earlier_messages(self, message: Message, screening: Screening) -> Screening:
        """The message read with the conversation's last messages before it, when together
        they tell a sign none of them told alone ("I'm 67", then "never had back trouble but
        this week it's agony"): a sign found that way is referred as if told in this message,
        a suspected one gets the safety check (unless this message has its own check, or is
        in a language the screen cannot read). A back pain named in a message before those
        ("my lower back is at me since the weekend", two questions about booking, then "I'm on
        steroids ... it came on sudden when I bent") counts as named with them."""
        given = earlier_messages_of(message)
        if not given:
            return screening
        earlier, older = given[-EARLIER_MESSAGES_JOINED:], given[:-EARLIER_MESSAGES_JOINED]
        together = self._screen.screen_together(earlier, message.get(TEXT), older=older)
        if together is None:
            return screening
        if together.tier or (together.check_tier and not screening.check_tier and not screening.unread):
            return together
        return screening


def earlier_messages_of(message: Message) -> List[Text]:
    """The texts patches.py put in the message's metadata from the conversation (none for a
    message parsed on its own, as /model/parse does)."""
    metadata = message.get("metadata")
    earlier = metadata.get(EARLIER_MESSAGES) if isinstance(metadata, dict) else None
    return [t for t in earlier if isinstance(t, str) and t] if isinstance(earlier, list) else []


def earlier_messages(events: Reversible[Event], keep: int = EARLIER_MESSAGES_KEPT) -> List[Text]:
    """The texts of the last ``keep`` user messages of the conversation's current session,
    oldest first, after the user's last "no": a "no" to the safety check ruled out what was
    said before it, which must not come back joined to the next message. Buttons' payloads
    ("/deny") are not counted (they say nothing of a sign)."""
    texts: List[Text] = []
    for event in reversed(events):
        if isinstance(event, SessionStarted) or len(texts) == keep:
            break
        if isinstance(event, UserUttered):
            if (event.intent or {}).get(INTENT_NAME_KEY) == DENY_INTENT:
                break
            if event.text and not event.text.startswith("/"):
                texts.append(event.text)
    return texts[::-1]


def _join(phrases: List[Text]) -> Text:
    phrases = list(dict.fromkeys(phrases))
    return phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " or " + phrases[-1]


def _entity(text: Text, entity: Text, value: Text) -> Dict[Text, Any]:
    # The screen works on the whole message, so the entity spans it.
    return {
        ENTITY_ATTRIBUTE_TYPE: entity,
        ENTITY_ATTRIBUTE_VALUE: value,
        ENTITY_ATTRIBUTE_START: 0,
        ENTITY_ATTRIBUTE_END: len(text),
        ENTITY_ATTRIBUTE_CONFIDENCE: 1.0,
        EXTRACTOR: RedFlagScreen.__name__,
    }
