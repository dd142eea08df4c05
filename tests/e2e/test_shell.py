"""`make shell` (scripts/shell.py) in a real terminal (a pseudo-terminal), against the test
action server: whole answers on screen, then the feedback question with its choices; no
library warnings on screen, and they reach the log file."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import time
from fcntl import ioctl
from termios import TIOCSWINSZ

from backcare.clinic import load_clinic
from backcare.knowledge import load_knowledge_base
from backcare.render import render_answer
from scripts.servers import PROJECT_ROOT, free_port
from tests.support.chat import MODEL

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r")


class Terminal:
    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.master, slave = pty.openpty()
        ioctl(slave, TIOCSWINSZ, struct.pack("HHHH", 50, 100, 0, 0))  # 100 columns
        self.process = subprocess.Popen(
            command, stdin=slave, stdout=slave, stderr=slave, cwd=PROJECT_ROOT, env=env, start_new_session=True
        )
        os.close(slave)
        self.screen = ""

    def wait_for(self, text: str, since: int = 0, timeout: float = 120) -> str:
        """The screen from ``since`` on, once ``text`` appeared there."""
        deadline = time.monotonic() + timeout
        while text not in self.screen[since:]:
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never shown; screen:\n{self.screen[-3000:]}")
            ready, _, _ = select.select([self.master], [], [], 0.5)
            if ready:
                try:
                    self.screen += ANSI.sub("", os.read(self.master, 65536).decode("utf-8", "replace"))
                except OSError:
                    break
        return self.screen[since:]

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        os.close(self.master)


def test_shell_prints_whole_answers_then_the_feedback_question_and_no_warnings(servers, tmp_path) -> None:
    log = tmp_path / "shell.log"
    env = {**os.environ, "BACKCARE_SHELL_LOG": str(log), "TERM": "xterm", **servers.env}
    terminal = Terminal(
        [
            sys.executable,
            "scripts/shell.py",
            "--model",
            str(MODEL),
            "--endpoints",
            str(servers.endpoints),
            "--interface",
            "127.0.0.1",
            "--port",
            str(free_port()),
        ],
        env,
    )
    try:
        start = terminal.wait_for("Your input ->")
        assert "Warning" not in start and "INFO" not in start, start
        kb, clinic = load_knowledge_base(), load_clinic()
        answers = [
            ("does massage help lower back pain?", "effectiveness"),
            ("how often should I get a massage?", "frequency"),
        ]
        for question, topic in answers:
            before = len(terminal.screen)
            terminal.type(question + "\r")
            shown = terminal.wait_for("Type out your own message", since=before)
            whole = render_answer(kb.topics[topic], kb, clinic, links=False)
            flat = " ".join(shown.split())
            assert " ".join(whole.split()) in flat  # every word of the answer, none cut off
            assert flat.index("Sources:") < flat.index("Did that answer help?")
            assert "Yes, that helped" in shown and "/feedback_helpful" not in shown
            before = len(terminal.screen)
            terminal.type("\x1b[B\x1b[B\r")  # down twice: "Type out your own message..."
            terminal.wait_for("Your input ->", since=before)
        assert "Warning" not in terminal.screen
    finally:
        terminal.stop()
    assert "DeprecationWarning" in log.read_text()  # the warnings went to the log
