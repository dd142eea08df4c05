"""Warning signs written in Spanish, Hindi/Urdu or Tagalog, alone or mixed with English, reach
care through the red-flag screen (knowledge/red_flag_languages.yml); what they deny, wonder
about or tell of someone else's past does not; English messages read as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from backcare.languages import load_glossary, without_accents
from backcare.redflags import shared_screen
from backcare.yamlfile import DataFileError


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
