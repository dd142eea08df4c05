"""Warning signs written in Spanish, French, Hindi/Urdu or Tagalog, alone or mixed with English,
reach care through the red-flag screen (knowledge/red_flag_languages.yml); what they deny, wonder
about or tell of someone else's past does not; English messages read as before. A question
written wholly in Spanish or French is read in English words (the whole bot reads it so)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backcare.languages import LANGUAGES_PATH, load_glossary, without_accents
from backcare.messages import ANSWERED_IN_ENGLISH, load_messages
from backcare.redflags import normalise, shared_screen
from backcare.yamlfile import DataFileError
from tests.test_training_overlap import training_messages


@pytest.fixture(scope="module")
def screen():
    return shared_screen()


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        # Spanish and Spanglish
        ("Desde el sábado no puedo orinar y me duele mucho la espalda", "emergency"),
        ("me duele la espalda baja y tengo las nalgas dormidas, no siento nada al limpiarme", "emergency"),
        ("My back is bad y ahora las dos piernas se sienten débiles", "emergency"),
        ("de repente un dolor horrible en la espalda y me desmayé en el trabajo", "emergency"),
        ("tengo fiebre y escalofríos desde ayer y me duele la espalda", "urgent"),
        ("he bajado 7 kilos sin hacer dieta y la espalda me duele todo el tiempo", "urgent"),
        # Hindi / Urdu in Latin letters, Hinglish
        ("kamar mein bahut dard hai aur kal se peshab nahi aa raha", "emergency"),
        ("do din se kamar dard hai aur dono pairon mein kamzori aa gayi hai", "emergency"),
        ("kamar dard ke saath tez bukhar hai aur raat ko kapkapi", "urgent"),
        ("meri pindli sooj gayi hai aur laal hai, kamar mein bhi dard hai", "urgent"),
        # Tagalog and Taglish
        ("masakit po ang likod ko at hindi po ako makaihi since kahapon", "emergency"),
        ("sumakit ang likod ko tapos namamanhid po ang puwit ko", "emergency"),
        ("may lagnat po ako at masakit ang likod ko, nanginginig pa ako", "urgent"),
        ("nadulas po ako sa hagdan, naka-warfarin po ako, masakit likod ko", "urgent"),
    ],
)
def test_a_sign_in_another_language_is_referred(screen, text: str, tier: str) -> None:
    assert screen.screen(text).tier == tier


@pytest.mark.parametrize(
    "text",
    [
        # denied, wondered about, someone else's past
        "me duele un poco la espalda pero no tengo fiebre y orino normal, ¿qué masaje me recomiendas?",
        "¿Y si algún día no puedo orinar por la espalda? Solo pregunto, ahora estoy bien.",
        "kamar mein thoda dard hai, bukhar nahi hai, peshab normal hai. kaunsa massage lun?",
        "agar kabhi dono pairon mein sunn ho jaye toh kya karna chahiye? bas pooch raha hoon",
        "mere chacha ko cancer tha, mujhe bas kamar mein thodi akdan hai gym ke baad",
        "masakit lang po ng konti ang likod ko, walang lagnat, walang pamamanhid. magkano po ang massage?",
    ],
)
def test_what_a_message_in_another_language_denies_or_wonders_about_is_not_referred(screen, text: str) -> None:
    assert not screen.screen(text).signs


@pytest.mark.parametrize(
    "text",
    [
        "I baked a pie for my massage therapist, my back feels great",
        "my pet dog jumped on my back, is a massage ok?",
        "my nana loves hot stone massage, can I book her one?",
    ],
)
def test_english_messages_read_as_written(screen, text: str) -> None:
    # "pie" (Spanish foot), "pet" (Hindi belly), "nana" (Tagalog pus) stay English.
    assert load_glossary().read(text.lower()) == text.lower()
    assert not screen.screen(text).signs


def test_accents_are_dropped_but_not_the_tilde_of_n() -> None:
    assert without_accents("dolió débiles años") == "dolio debiles años"


def test_a_broken_glossary_names_the_file_and_the_entry(tmp_path: Path) -> None:
    path = tmp_path / "languages.yml"
    path.write_text('languages:\n  spanish:\n    markers: [que, tengo]\n    words:\n      "(?:fiebre": fever\n')
    with pytest.raises(DataFileError, match=r"languages.yml: language 'spanish': '\(\?:fiebre'"):
        load_glossary(path)
    path.write_text('languages:\n  spanish:\n    markers: [que, tengo]\n    words:\n      fiebre: ""\n')
    with pytest.raises(DataFileError, match="needs its English as text"):
        load_glossary(path)


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("me duele la espalda y desde anoche se me escapa la orina", "emergency"),
        ("mi hijo tiene 16 y le duele la espalda todo el tiempo desde hace meses", "urgent"),
    ],
)
def test_a_leak_and_a_childs_age_in_spanish_are_read(screen, text: str, tier: str) -> None:
    assert screen.screen(text).tier == tier


@pytest.mark.parametrize("text", ["no puedo orinar", "peshab nahi aa raha", "hindi ako makaihi"])
def test_a_short_message_is_read_by_its_sign_words(screen, text: str) -> None:
    # Too short for the English check; the sign words themselves mark the language.
    assert screen.screen(text).tier == "emergency"


def english_reading(text: str) -> str | None:
    reading = load_glossary().english_reading(without_accents(normalise(text)))
    return reading[1] if reading else None


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("¿Cuánto cuesta un masaje de una hora?", ["how much", "cost", "massage", "hour"]),
        ("¿Con qué frecuencia debo ir a masajes para la espalda?", ["how often", "massages", "back"]),
        ("Combien coûte une séance de massage ?", ["how much", "cost", "session", "massage"]),
        ("Est-ce que je dois enlever mes vêtements ?", ["should i undress"]),
    ],
)
def test_a_question_in_spanish_or_french_is_read_in_english_words(text: str, words: list[str]) -> None:
    reading = english_reading(text)
    assert reading is not None and all(word in reading for word in words), reading


def test_no_training_example_is_read_as_another_language() -> None:
    glossary = load_glossary()
    read = [
        text
        for text in training_messages().values()
        if glossary.english_reading(without_accents(normalise(text.split(": ", 1)[1])))
    ]
    assert not read


@pytest.mark.parametrize(
    "text",
    [
        # German and Polish: no glossary reads them, so the screen's check for an unread language
        "Guten Tag, ich habe seit drei Tagen Rückenschmerzen und fühle mich sehr müde",
        "Dzień dobry, od tygodnia boli mnie dolny odcinek pleców, czy masaż pomoże?",
        # French with words the glossary does not know ("bizarre", "sensation" ... are read, not all)
        "Mon dos me fait mal et j'ai une sensation bizarre dans les jambes, ça picote et ça lance",
        # English that shares words with them stays as written
        "for 90 mins?",
        "tramadol dosage",
    ],
)
def test_a_message_the_glossary_does_not_read_whole_is_left_as_written(text: str) -> None:
    assert english_reading(text) is None


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("Depuis hier je n'arrive plus à uriner et j'ai très mal au dos", "emergency"),
        ("J'ai de la fièvre et des frissons avec mal au bas du dos", "urgent"),
    ],
)
def test_a_sign_in_french_is_referred(screen, text: str, tier: str) -> None:
    reading = english_reading(text)
    assert reading is not None and screen.screen(reading).tier == tier
    assert screen.screen(text).tier == tier  # the sign words alone, as in a message half in English


def test_what_a_french_message_denies_is_not_referred(screen) -> None:
    reading = english_reading(
        "Pas de fièvre, pas de problème pour uriner, juste le dos raide après le sport. Un massage ?"
    )
    assert reading is not None and not screen.screen(reading).signs


def test_a_reading_without_its_thresholds_names_the_file(tmp_path: Path) -> None:
    source = LANGUAGES_PATH.read_text()
    assert "  reading: {before: " in source
    path = tmp_path / "languages.yml"
    path.write_text(re.sub(r"  reading: \{[^}]*\}", "  reading: {before: 0.6}", source))
    with pytest.raises(DataFileError, match="english: 'reading' must give 'before'"):
        load_glossary(path)


def test_every_language_read_whole_has_its_answered_in_english_message() -> None:
    messages = load_messages()
    read_whole = [language.name for language in load_glossary().languages if language.question_words]
    assert read_whole == ["spanish", "french"]
    assert all(ANSWERED_IN_ENGLISH.format(language=name) in messages for name in read_whole)
