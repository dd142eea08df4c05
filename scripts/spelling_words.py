"""Writes knowledge/spelling_real_words.yml: the real English words the red-flag screen must
never respell, because each is one or two edits from a sign word ("week" -> weak).

Only these words are kept (not the whole 160,000-word dictionary, 44 MB in the Rasa
server): a word far from every sign word is never respelled anyway. Run after changing
`spelling.lexicon` in knowledge/red_flags.yml (tests/test_redflag_screen.py fails until
you do):

    .venv/bin/python -m scripts.spelling_words          # rewrite the file
    .venv/bin/python -m scripts.spelling_words --check  # exit 1 if it is out of date
"""

from __future__ import annotations

import argparse
import sys
from importlib.metadata import version

from backcare.redflags import REAL_WORDS_PATH, nearest_sign_word, spelling_lexicon
from scripts.generated_file import write_or_check

DICTIONARY = "pyspellchecker"


def real_words_near_sign_words() -> list[str]:
    """Words of pyspellchecker's English dictionary that the screen would otherwise respell."""
    from spellchecker import SpellChecker  # a development tool only: not in the Rasa server

    lexicon = spelling_lexicon()
    dictionary = SpellChecker(language="en").word_frequency.keys()
    return sorted(w for w in dictionary if nearest_sign_word(w, lexicon) not in (None, w))


def render(words: list[str]) -> str:
    header = (
        "# Made by `python -m scripts.spelling_words` from the English dictionary of\n"
        f"# {DICTIONARY} {version(DICTIONARY)} and `spelling.lexicon` in red_flags.yml: do not edit.\n"
        "# Real words one or two edits from a sign word; the red-flag screen never respells them.\n"
    )
    lines = [header, "words:\n"] + [f'  - "{w}"\n' for w in words]
    return "".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the file is up to date")
    args = parser.parse_args(argv)
    words = real_words_near_sign_words()
    return write_or_check(REAL_WORDS_PATH, render(words), "scripts.spelling_words", args.check, f"{len(words)} words")


if __name__ == "__main__":
    sys.exit(main())
