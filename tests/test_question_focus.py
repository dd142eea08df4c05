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
