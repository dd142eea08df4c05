"""Clinical and forum abbreviations read as their words (knowledge/abbreviations.yml)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.nlu.training_data.message import Message

from backcare.abbreviations import load_abbreviations
from backcare.knowledge import load_knowledge_base
from backcare.redflags import load_screen
from backcare.scope import load_scope_check
from backcare.yamlfile import DataFileError
from components.question_focus import QuestionFocusTokenizer

ABBREVIATIONS = load_abbreviations()


def test_an_abbreviation_is_read_as_its_words_whole_and_in_any_case() -> None:
    assert ABBREVIATIONS.expand("Non-specific LBP, Hx of DDD?") == (
        "Non-specific lower back pain, history of degenerative disc disease?"
    )
    # Only whole words: "oak" is not "osteoarthritis" + k, "club" is not "clbp".
    assert ABBREVIATIONS.expand("an oak table at the golf club") == "an oak table at the golf club"


def test_the_scope_check_reads_lbp_as_lower_back_pain() -> None:
    scope = load_scope_check()
    assert scope.reason("What self-massage advice suits patients with non-specific LBP between sessions?") is None


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("IVDU, new LBP over the last fortnight", "urgent"),
        ("Immunosuppressed after a kidney transplant, new LBP this week", "urgent"),
    ],
)
def test_the_red_flag_screen_reads_clinical_abbreviations(text: str, tier: str) -> None:
    screen = load_screen(known_sources=set(load_knowledge_base().sources))
    assert screen.screen(text).tier == tier


def test_the_tokenizer_adds_the_words_of_an_abbreviation() -> None:
    message = Message.build(text="is massage ok for LBP")
    tokens = QuestionFocusTokenizer(QuestionFocusTokenizer.get_default_config()).tokenize(message, "text")
    assert [t.text for t in tokens][-3:] == ["lower", "back", "pain"]


def test_a_malformed_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "abbreviations.yml"
    path.write_text("abbreviations:\n  'lb p': lower back pain\n")
    with pytest.raises(DataFileError, match="abbreviations.yml"):
        load_abbreviations(path)
