"""BERT's uncased WordPiece tokenizer, in plain Python (no tokenizer package needed at run time).

What all-MiniLM-L6-v2 was trained with: clean the text, lower-case it, strip accents, split on
white space and punctuation, then cut each word into the longest pieces of the vocabulary
("sciatica" -> "sci", "##atic", "##a"). Written for the branch that first measured MiniLM
(docs/understanding.md, "Dense sentence features"); tests/test_sentence_featurizer.py checks it.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

# Word pieces per message read (with [CLS] and [SEP]); the model was tuned on 256 at most.
MAX_PIECES = 128
_MAX_WORD_CHARS = 100
_CACHE_WORDS = 50_000


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_control(char: str) -> bool:
    return ord(char) in (0, 0xFFFD) or (unicodedata.category(char).startswith("C") and not char.isspace())


class WordPiece:
    """Text to the model's token ids: [CLS] pieces... [SEP], at most MAX_PIECES."""

    def __init__(self, vocab: list[str]) -> None:
        """vocab: the vocabulary's pieces, one per token id (vocab.txt's lines)."""
        self.ids: dict[str, int] = {w: i for i, w in enumerate(vocab)}
        self.unk = self.ids["[UNK]"]
        self.cls = self.ids["[CLS]"]
        self.sep = self.ids["[SEP]"]
        self._cache: dict[str, list[int]] = {}

    @classmethod
    def from_file(cls, vocab_path: Path) -> WordPiece:
        return cls(vocab_path.read_text(encoding="utf-8").splitlines())

    @staticmethod
    def words(text: str) -> list[str]:
        text = "".join(" " if ch.isspace() else ch for ch in text if not _is_control(ch))
        text = unicodedata.normalize("NFD", text.lower())
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
        words: list[str] = []
        for chunk in text.split():
            current = ""
            for ch in chunk:
                if _is_punctuation(ch) or 0x4E00 <= ord(ch) <= 0x9FFF:
                    if current:
                        words.append(current)
                    words.append(ch)
                    current = ""
                else:
                    current += ch
            if current:
                words.append(current)
        return words

    def pieces(self, word: str) -> list[int]:
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        if len(word) > _MAX_WORD_CHARS:
            return [self.unk]
        pieces: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.ids:
                    found = self.ids[piece]
                    break
                end -= 1
            if found is None:
                pieces = [self.unk]
                break
            pieces.append(found)
            start = end
        if len(self._cache) < _CACHE_WORDS:
            self._cache[word] = pieces
        return pieces

    def encode(self, text: str, max_pieces: int = MAX_PIECES) -> list[int]:
        ids = [piece for word in self.words(text) for piece in self.pieces(word)]
        return [self.cls, *ids[: max_pieces - 2], self.sep]
