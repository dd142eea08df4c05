"""`make shell`: chat with the assistant in the terminal (Rasa's `rasa shell`, in this process).

Rasa's shell with patches.py applied, and two changes of its own:
- a reply with buttons (the feedback question under an answer, the topic choices) is
  printed whole, then its choices are offered under a short question. Rasa's own shell
  makes the whole reply the prompt of its pick list, which the terminal cuts to one line.
- Everything the libraries write to stderr (deprecation warnings, Rasa's log lines,
  TensorFlow's messages) goes to logs/shell.log instead of the screen.

Arguments are those of `rasa shell`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import patches

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOG_FILE = Path(os.environ.get("BACKCARE_SHELL_LOG") or PROJECT_ROOT / "logs" / "shell.log")
# The question over the buttons under a knowledge-base answer (actions/feedback.py).
FEEDBACK_PAYLOAD = "/feedback_helpful"
FEEDBACK_QUESTION = "Did that answer help?"
OTHER_QUESTION = "Choose one:"


def stderr_to(log_file: Path) -> None:
    """Send this process's stderr (Python and C libraries alike) to ``log_file``."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_file, "a", buffering=1)  # noqa: SIM115 - open for the life of the process
    sys.stderr.flush()
    os.dup2(log.fileno(), 2)
    sys.stderr = log


def question_for(buttons: List[Dict[str, Any]]) -> str:
    if any(str(b.get("payload", "")).startswith(FEEDBACK_PAYLOAD) for b in buttons):
        return FEEDBACK_QUESTION
    return OTHER_QUESTION


def choices_for(buttons: List[Dict[str, Any]]) -> List[Any]:
    """The buttons' titles on screen; each value in the "title (payload)" form from which
    Rasa's shell takes the payload to send."""
    import questionary
    from rasa.cli import utils as cli_utils

    choices = [
        questionary.Choice(f"{index + 1}: {button['title']}", value=cli_utils.button_to_string(button, index))
        for index, button in enumerate(buttons)
    ]
    return choices + [cli_utils.FREE_TEXT_INPUT_PROMPT]


def whole_replies(original: Callable[..., Any]) -> Callable[..., Any]:
    """The shell's button printer for the latest reply: the whole text first, then the
    choices (``original``, Rasa's own, prints the earlier ones)."""
    import questionary
    import rasa.shared.utils.cli
    from prompt_toolkit.styles import Style
    from rasa.shared.utils.io import bcolors

    def print_buttons(
        message: Dict[str, Any], is_latest_message: bool = False, color: str = bcolors.OKBLUE
    ) -> Optional[Any]:
        if not is_latest_message:
            return original(message, is_latest_message, color)
        buttons = message.get("buttons") or []
        if message.get("text"):
            rasa.shared.utils.cli.print_color(message["text"], color=color)
        return questionary.select(
            question_for(buttons),
            choices_for(buttons),
            style=Style([("qmark", "#6d91d3"), ("", "#6d91d3"), ("answer", "#b373d6")]),
        )

    return print_buttons


def main(argv: List[str]) -> int:
    real_stdout = sys.stdout
    stderr_to(LOG_FILE)
    os.chdir(PROJECT_ROOT)
    try:
        patches.apply()  # as `backcare-rasa shell` would
    except patches.PatchVersionError as error:
        print(f"Cannot start: {error}", file=real_stdout)
        return 1
    patches.shell_prints_buttons_with(whole_replies)
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", "shell", *argv]
    try:
        rasa_main()
    except SystemExit as exit_:
        if exit_.code not in (None, 0):
            print(f"The shell stopped with an error: see {LOG_FILE}", file=real_stdout)
        return exit_.code if isinstance(exit_.code, int) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
