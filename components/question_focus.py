"""Tokenizer that gives the question in a long message extra weight, and marks medicines
and other body parts.

Patients often tell a story first ("my back has ached for three months since I moved
house ...") and ask last ("... does massage actually work?"), or ask first and tell the
story after. For a bag-of-words classifier the story words drown the question. This
tokenizer emits the tokens of the message's question sentences (or, without one, its last
sentence) again, once or, when the story is much longer than the question, up to three
times, so the featurizers count them more; the original tokens, offsets and text are
unchanged.

Abbreviations (knowledge/abbreviations.yml: "LBP") add the tokens of their words.

It also adds a marker token (``__medicine__``, ``__other_body_part__``) when the message
names a word from knowledge/scope_words.yml, so a medicine or body part the training data
never named still looks like the ones it did.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from backcare.abbreviations import ABBREVIATIONS_PATH, load_abbreviations
from backcare.scope_words import SCOPE_WORDS_PATH, load_scope_words

# At most this many extra copies of the question of a long story.
MAX_REPEATS = 3
_SENTENCE = re.compile(r"[^.!?\n]+[.!?\n]*")
# A sentence that asks without a question mark ("wondering if massage would help").
_ASKS = re.compile(
    r"^\s*(?:and |but |so |also |ok |hi |hello )?(?:does|do|is|are|can|could|would|will|should|how|what|"
    r"which|when|where|why|who|any|wondering|i wonder|i want to know|i'd like to know|tell me|advice)\b",
    re.IGNORECASE,
)


def focus_spans(text: Text) -> list[tuple[int, int]]:
    """Character spans of the sentences to emphasise; none for one-sentence messages."""
    spans = [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.group().strip()]
    if len(spans) < 2:
        return []
    questions = [s for s in spans if "?" in text[s[0] : s[1]]]
    if not questions:
        questions = [s for s in spans if _ASKS.match(text[s[0] : s[1]])]
    return questions or [spans[-1]]


def focus_span(text: Text) -> tuple[int, int] | None:
    """The last sentence emphasised, or None for one-sentence messages."""
    spans = focus_spans(text)
    return spans[-1] if spans else None


def _repeats(question_tokens: int, story_tokens: int) -> int:
    """Extra copies of the question: one, more when a long story would still outweigh it."""
    if not question_tokens:
        return 0
    return max(1, min(MAX_REPEATS, story_tokens // (2 * question_tokens)))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class QuestionFocusTokenizer(WhitespaceTokenizer):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**WhitespaceTokenizer.get_default_config(), "scope_words": True}

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        self._markers = load_scope_words() if config.get("scope_words", True) else {}
        self._abbreviations = load_abbreviations()

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """Retrain when the word lists or the abbreviations change."""
        return "/".join(hashlib.sha256(p.read_bytes()).hexdigest() for p in (SCOPE_WORDS_PATH, ABBREVIATIONS_PATH))

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        tokens = super().tokenize(message, attribute)
        if attribute != TEXT:  # intent and action names stay as they are
            return tokens
        text = message.get(attribute) or ""
        spans = focus_spans(text)
        focused = [t for t in tokens if any(start <= t.start and t.end <= end for start, end in spans)]
        extra: List[Token] = []
        for _ in range(_repeats(len(focused), len(tokens) - len(focused))):
            extra += [Token(t.text, t.start, t.end, dict(t.data), t.lemma) for t in focused]
        # "LBP" also counts as "lower back pain" (knowledge/abbreviations.yml).
        for token in tokens:
            words = self._abbreviations.expansion(token.text)
            if words:
                extra += [Token(word, token.start, token.end) for word in words.split()]
        for marker, pattern in self._markers.items():
            found = pattern.search(text)
            if found:
                extra.append(Token(marker, found.start(), found.end()))
        return tokens + extra
