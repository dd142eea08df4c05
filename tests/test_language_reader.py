"""The language reader as a Rasa NLU component: a question in Spanish or French goes on in English
words with the language it was read from; what the red-flag screen then does with a reading that
names a sign's site but no sign it can judge."""

from __future__ import annotations

from typing import Sequence

import pytest
from rasa.shared.nlu.training_data.message import Message

from backcare.contract import READ_FROM_LANGUAGE
from components.language_reader import LanguageReader
from components.red_flag_screen import RedFlagScreen


@pytest.fixture(scope="module")
def reader() -> LanguageReader:
    return LanguageReader.create({}, None, None, None)


@pytest.fixture(scope="module")
def screen() -> RedFlagScreen:
    return RedFlagScreen.create(RedFlagScreen.get_default_config(), None, None, None)


def read(
    reader: LanguageReader, text: str, ranking: Sequence[tuple[str, float]] = (("effectiveness", 0.8),)
) -> Message:
    intents = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    message = Message(data={"text": text, "intent": intents[0], "intent_ranking": intents, "entities": []})
    reader.process([message])
    return message


def test_a_french_question_goes_on_in_english_words(reader) -> None:
    message = read(reader, "Combien coûte une séance de massage ?")
    assert message.get("text") == "how much does it cost a session of massage ?"
    assert message.get(READ_FROM_LANGUAGE) == "french"
    assert message.as_dict(only_output_properties=True)[READ_FROM_LANGUAGE] == "french"  # in the parse data


@pytest.mark.parametrize(
    "text", ["How much is a massage?", "Guten Tag, ich habe seit drei Tagen Rückenschmerzen", "/affirm"]
)
def test_english_another_language_and_a_button_payload_are_left_as_written(reader, text: str) -> None:
    message = read(reader, text)
    assert message.get("text") == text and message.get(READ_FROM_LANGUAGE) is None


def test_a_reading_that_names_a_signs_site_without_a_judged_sign_gets_the_language_check(reader, screen) -> None:
    # "the legs": a sign's site, neither a sign the screen finds nor one it rules out
    message = read(reader, "¿El masaje es bueno si me duelen las piernas?")
    screen.process([message])
    assert message.get("intent")["name"] == "red_flag_emergency"
    assert {e["entity"]: e["value"] for e in message.get("entities")} == {
        "red_flag_tier": "check",
        "unread_language": "true",
    }


def test_a_reading_that_rules_the_signs_out_goes_to_its_topic(reader, screen) -> None:
    message = read(
        reader,
        "Pas de fièvre, pas de problème pour uriner, juste le dos raide après le sport. Un massage ?",
        [("effectiveness", 0.7), ("red_flag_urgent", 0.2)],
    )
    screen.process([message])
    assert message.get("intent")["name"] == "effectiveness"
    assert message.get("entities") == []


@pytest.mark.parametrize("text", ["¿A qué número tengo que llamar?", "Quel est votre numéro de téléphone ?"])
def test_asking_for_the_phone_number_is_not_numbness(reader, screen, text: str) -> None:
    # "number" read from "número"/"numéro" is a number, not "more numb": no safety check
    message = read(reader, text, [("human_handoff", 0.8)])
    assert message.get(READ_FROM_LANGUAGE) is not None
    screen.process([message])
    assert message.get("intent")["name"] == "human_handoff"
    assert message.get("entities") == []
