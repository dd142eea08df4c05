"""Writes knowledge/english_words.yml: English's common words, for the red-flag screen's check
that it can read a message (backcare/languages.py): a run of words none of which is English
is a clause in another language, where a warning sign may be that the screen cannot see.

The words of pyspellchecker's English dictionary seen at least MIN_COUNT times in its corpus
(18,380 words, about 2 MB in the Rasa server, not the whole 160,000-word dictionary: rare
words there include many of other languages, "niya", "kanang"). Rerun after upgrading
pyspellchecker (tests/test_screen_shortcuts.py fails until you do):

    .venv/bin/python -m scripts.english_words          # rewrite the file
    .venv/bin/python -m scripts.english_words --check  # exit 1 if it is out of date
"""

from __future__ import annotations

import argparse
import re
import sys
from importlib.metadata import version

from backcare.languages import ENGLISH_WORDS_PATH
from scripts.generated_file import write_or_check

DICTIONARY = "pyspellchecker"
MIN_COUNT = 1000
WORDS_PER_LINE = 16
_PLAIN = re.compile(r"[a-z]+")


def common_english_words() -> list[str]:
    from spellchecker import SpellChecker  # a development tool only: not in the Rasa server

    counts = SpellChecker(language="en").word_frequency.dictionary
    return sorted(w for w, count in counts.items() if count >= MIN_COUNT and _PLAIN.fullmatch(w))


def render(words: list[str]) -> str:
    header = (
        f"# Made by `python -m scripts.english_words` from the English dictionary of {DICTIONARY}\n"
        f"# {version(DICTIONARY)}: its words seen at least {MIN_COUNT} times. Do not edit.\n"
        "# English's common words: a run of words none of which is here is a clause the red-flag\n"
        "# screen cannot read (knowledge/red_flag_languages.yml, english.max_unread_run).\n"
    )
    lines = [" ".join(words[i : i + WORDS_PER_LINE]) for i in range(0, len(words), WORDS_PER_LINE)]
    return header + "words: |\n" + "".join(f"  {line}\n" for line in lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the file is up to date")
    args = parser.parse_args(argv)
    words = common_english_words()
    return write_or_check(ENGLISH_WORDS_PATH, render(words), "scripts.english_words", args.check, f"{len(words)} words")


if __name__ == "__main__":
    sys.exit(main())
