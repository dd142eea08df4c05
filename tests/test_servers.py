"""Starting the servers (scripts/servers.py): one that cannot start leaves no other running."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scripts.servers import Servers, free_port


class _ServersThatFailToStart(Servers):
    """Two long-lived stand-ins for the action and Rasa servers, then a web server that exits."""

    def start_actions(self) -> None:
        self._spawn("actions", [sys.executable, "-c", "import time; time.sleep(120)"], {})

    def start_rasa(self) -> None:
        self._spawn("rasa", [sys.executable, "-c", "import time; time.sleep(120)"], {})

    def start_web(self) -> None:
        self._spawn("web", [sys.executable, "-c", "raise SystemExit(1)"], {})


def test_a_server_that_cannot_start_leaves_no_other_running(tmp_path: Path) -> None:
    servers = _ServersThatFailToStart(
        model=tmp_path / "model.tar.gz",
        log_dir=tmp_path,
        rasa_port=free_port(),
        action_port=free_port(),
        web_port=free_port(),
    )
    spawned: list[subprocess.Popen[bytes]] = []
    original = servers._spawn

    def spawn_and_keep(name: str, command: list[str], env: dict[str, str]) -> None:
        original(name, command, env)
        spawned.append(servers.processes[name])

    servers._spawn = spawn_and_keep  # type: ignore[method-assign]
    with pytest.raises((TimeoutError, RuntimeError)):
        servers.start(timeout=1)
    assert len(spawned) == 3
    assert all(process.poll() is not None for process in spawned), "a server was left running"
    assert servers.processes == {}
