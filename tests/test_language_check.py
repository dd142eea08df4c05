"""The red-flag screen's English check (knowledge/red_flag_languages.yml, `english`): a
message mostly in another language or script, or with a clause in one, is one it cannot read;
English, code-mixed English, short messages and button payloads are read."""

from __future__ import annotations

import pytest

from backcare.redflags import shared_screen


@pytest.mark.parametrize(
    "text",
    [
        "¿El masaje ayuda con el dolor de espalda baja?",
        "按摩对腰痛有帮助吗",
        "Hilft eine Massage gegen Rückenschmerzen wirklich gut",
        "Boli mnie krzyż od tygodnia, czy masaż pomoże?",
        "Tôi bị đau lưng dưới đã hai tuần rồi",
    ],
)
def test_other_languages_are_not_read(text: str) -> None:
    assert shared_screen().screen(text).unread


@pytest.mark.parametrize(
    "text",
    [
        '/feedback_helpful{"rated_topic": "frequency"}',
        "/effectiveness",
        "does massage help lower back pain?",
        "sciatica massage",
        "hola",
        "Me duele la espalda from lifting boxes at work, is a deep tissue massage a good idea?",
        "my bak is realy sor after moving house, wat massage is best",
        "my bak realy hurtz wen i bendd ova, is massage ok",
        # a clinician's abbreviations are not another language
        "Pt w/ hx of DDD L4-5, SI jt dysfunction and piriformis synd, ok for STM?",
        # nor are single letters (a sum)
        "simplify x^3 y^2 z over x y z",
        "differentiate y = 4x^3 - x + 9 stepwise",
    ],
)
def test_english_code_mixed_english_short_messages_and_buttons_are_read(text: str) -> None:
    assert not shared_screen().screen(text).unread


def test_english_with_a_part_in_another_script_is_not_read() -> None:
    # The sign may be in the part the screen cannot read.
    assert shared_screen().screen("Back pain since Monday and now 两条腿都发麻, can I book a massage?").unread
    assert not shared_screen().screen("Does massage help lower back pain? My name is Σοφία").unread


@pytest.mark.parametrize(
    "text",
    [
        # Indonesian and Swahili clauses (a weak leg, numb legs) before an English question:
        # most of the words are English, but the sign would be in the clause the screen cannot read.
        "Punggung bawah saya sakit sejak kemarin dan kaki kiri terasa lemah sekali, can I come tomorrow?",
        "Mgongo wangu unauma sana tangu jana na miguu yangu inakufa ganzi, can I book a massage?",
    ],
)
def test_english_with_a_clause_in_another_language_is_not_read(text: str) -> None:
    assert shared_screen().screen(text).unread


@pytest.mark.parametrize(
    "text",
    [
        # Polish and Turkish words spread between English ones: no run of five, but four words
        # or more that are neither English nor near it, in a message not four-fifths English.
        "Dzień dobry, łydka spuchnięta i czerwona, boli. Also back. Massage?",
        "Merhaba, son iki ayda 7 kilo verdim, diyet yapmadan. Also my back is hurting. Masaj randevusu?",
    ],
)
def test_english_with_foreign_words_scattered_through_it_is_not_read(text: str) -> None:
    assert shared_screen().screen(text).unread


@pytest.mark.parametrize(
    "text",
    [
        # as many words the vocabulary does not know, each a typo or dialect near an English word
        "does masage realy help wiht lowr bak pain?? thinkin of tryin it",
        "Nae numbness, nae bother wi' the waterworks, just a stiff back fae the fitba. Can I book Saturday?",
        # the words of a clinician
        "Do your therapists do NMT? Looking for neuromuscular therapy for QL and lumbar paraspinal hypertonicity.",
    ],
)
def test_typos_dialect_and_jargon_are_still_read(text: str) -> None:
    assert not shared_screen().screen(text).unread
