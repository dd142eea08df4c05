"""The question-focus tokenizer repeats the last question of a long message."""

from __future__ import annotations

from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from components.question_focus import QuestionFocusTokenizer, focus_span


def _tokens(text: str) -> list[str]:
    tokenizer = QuestionFocusTokenizer(QuestionFocusTokenizer.get_default_config())
    return [t.text for t in tokenizer.tokenize(Message({TEXT: text}), TEXT)]


def test_one_sentence_is_left_alone() -> None:
    assert focus_span("does massage help my back?") is None
    assert _tokens("does massage help") == ["does", "massage", "help"]


def test_last_question_of_a_story_is_counted_twice() -> None:
    text = "My back has ached for months after moving house. Does massage actually work? Thanks"
    span = focus_span(text)
    assert span is not None
    start, end = span
    assert text[start:end].strip() == "Does massage actually work?"
    tokens = _tokens(text)
    assert tokens.count("work") == 2 and tokens.count("moving") == 1


def test_another_body_part_is_marked_but_not_a_body_parts_word_in_another_sense() -> None:
    assert "__other_body_part__" in _tokens("my feet ache from standing, can massage help?")
    assert "__other_body_part__" in _tokens("what about the arthritis in my hands?")
    assert "__other_body_part__" not in _tokens("I'm on my feet all day, would massage help?")
    assert "__other_body_part__" not in _tokens("on the other hand, is massage better than heat?")
    assert "__other_body_part__" not in _tokens("isn't reflexology just rubbing feet?")
