"""Tokenizer that gives the question in a long message extra weight.

Patients often tell a story first ("my back has ached for three months since I moved
house ...") and ask last ("... does massage actually work?"). For a bag-of-words
classifier the story words drown the question. This tokenizer emits the tokens of the
last question (or last sentence) a second time, so the featurizers count them twice; the
original tokens, offsets and text are unchanged.
"""
from __future__ import annotations

import re
from typing import List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

_SENTENCE_END = re.compile(r"[.!?\n]+")


def focus_span(text: Text) -> tuple[int, int] | None:
    """Character span of the sentence to emphasise, or None for one-sentence messages."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"[^.!?\n]+[.!?\n]*", text) if m.group().strip()]
    if len(spans) < 2:
        return None
    questions = [s for s in spans if "?" in text[s[0]:s[1]]]
    return (questions or spans)[-1]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class QuestionFocusTokenizer(WhitespaceTokenizer):
    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        tokens = super().tokenize(message, attribute)
        span = focus_span(message.get(attribute) or "")
        if span is None:
            return tokens
        start, end = span
        focused = [t for t in tokens if start <= t.start and t.end <= end]
        return tokens + [Token(t.text, t.start, t.end, dict(t.data), t.lemma) for t in focused]
