"""Start and stop the action server and the Rasa server together.

Used by `make run` (scripts/run.py), the end-to-end tests and `make eval`, so all three
run the assistant the same way: both servers on 127.0.0.1, logs in files, and the
processes stopped by PID.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import requests
import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def write_endpoints(path: Path, action_port: int, tracker_db: Path | None) -> Path:
    """A copy of endpoints.yml pointing at this action server (and tracker database)."""
    endpoints = yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text())
    endpoints["action_endpoint"]["url"] = f"http://{HOST}:{action_port}/webhook"
    if tracker_db is not None:
        endpoints["tracker_store"]["db"] = str(tracker_db)
    path.write_text(yaml.safe_dump(endpoints, sort_keys=False))
    return path


def poll_until_ready(url: str, alive: Callable[[], bool], timeout: float) -> None:
    """Wait until ``url`` answers. Raises ProcessLookupError if ``alive()`` turns false,
    TimeoutError if ``timeout`` seconds pass first."""
    deadline = time.monotonic() + timeout
    while True:
        if not alive():
            raise ProcessLookupError(url)
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")
        time.sleep(0.5)


def wait_http(url: str, pid: int, timeout: float = 180) -> None:
    """For the Makefile: wait for ``url``; exit with a message if process ``pid`` dies."""

    def alive() -> bool:
        try:
            os.kill(pid, 0)
            return True
        except ProcessLookupError:
            return False

    try:
        poll_until_ready(url, alive, timeout)
    except ProcessLookupError:
        raise SystemExit(f"process {pid} exited before {url} answered") from None
    except TimeoutError as exc:
        raise SystemExit(str(exc)) from exc


def _running(process: subprocess.Popen[bytes]) -> bool:
    return process.poll() is None


@dataclass
class Servers:
    model: Path
    log_dir: Path
    rasa_port: int = 5005
    action_port: int = 5055
    endpoints: Path = PROJECT_ROOT / "endpoints.yml"
    web_port: int | None = None  # serves the demo clinic page when set
    token: str | None = None  # enables the HTTP API (tracker, status) when set
    env: dict[str, str] = field(default_factory=dict)  # extra environment for every server
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://{HOST}:{self.action_port}"

    def start_actions(self) -> None:
        # rasa-sdk binds every interface unless SANIC_HOST says otherwise.
        env = {**os.environ, **self.env, "SANIC_HOST": HOST}
        self._spawn(
            "actions",
            [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(self.action_port)],
            env,
        )

    def start_rasa(self) -> None:
        command = [
            str(VENV_BIN / "backcare-rasa"),
            "run",
            "--model",
            str(self.model),
            "--interface",
            HOST,
            "--port",
            str(self.rasa_port),
            "--endpoints",
            str(self.endpoints),
            "--credentials",
            str(PROJECT_ROOT / "credentials.yml"),
        ]
        if self.token:
            command += ["--enable-api", "--auth-token", self.token]
        self._spawn("rasa", command, {**os.environ, **self.env})

    @property
    def web_url(self) -> str:
        return f"http://{HOST}:{self.web_port}"

    def start_web(self) -> None:
        self._spawn(
            "web",
            [
                sys.executable,
                str(PROJECT_ROOT / "scripts" / "web_server.py"),
                "--port",
                str(self.web_port),
                "--socket-url",
                self.url,
            ],
            {**os.environ, **self.env},
        )

    def start(self, timeout: float = 180) -> None:
        """Start the servers and wait until each answers. If one cannot start, those already
        started are stopped before the error is raised: no orphan keeps running on its port."""
        try:
            self.start_actions()
            self.start_rasa()
            if self.web_port:
                self.start_web()
            self.wait_ready(timeout)
        except BaseException:
            self.stop()
            raise

    def _spawn(self, name: str, command: list[str], env: dict[str, str]) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_dir / f"{name}.log", "ab") as log:  # the child keeps its own copy
            self.processes[name] = subprocess.Popen(
                command,
                cwd=PROJECT_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def wait_ready(self, timeout: float) -> None:
        """Block until every started server answers; fail with its log if one dies."""
        checks = {"actions": f"{self.action_url}/health", "rasa": f"{self.url}/"}
        if self.web_port:
            checks["web"] = f"{self.web_url}/"
        started = time.monotonic()
        for name, process in self.processes.items():
            remaining = max(timeout - (time.monotonic() - started), 0)
            try:
                poll_until_ready(checks[name], functools.partial(_running, process), remaining)
            except ProcessLookupError:
                log = (self.log_dir / f"{name}.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{name} server exited with {process.returncode}:\n{log}") from None

    def kill(self, name: str) -> None:
        """SIGKILL one server, as a crash would: no chance to clean up."""
        process = self.processes.pop(name)
        process.kill()
        process.wait(timeout=10)

    def stop(self, name: str | None = None) -> None:
        """Stop one server (or all) by PID: SIGTERM, then SIGKILL if it lingers."""
        names = [name] if name else list(self.processes)
        for key in names:
            process = self.processes.pop(key, None)
            if process is None or process.poll() is not None:
                continue
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def throwaway_servers(work_dir: Path, token: str | None = None) -> Servers:
    """The trained model's action and Rasa servers on free loopback ports, logging and
    storing conversations (SQLite) in ``work_dir``; not started yet."""
    action_port = free_port()
    return Servers(
        model=PROJECT_ROOT / "models" / "backcare.tar.gz",
        log_dir=work_dir,
        rasa_port=free_port(),
        action_port=action_port,
        token=token,
        endpoints=write_endpoints(work_dir / "endpoints.yml", action_port, work_dir / "t.db"),
    )


@contextlib.contextmanager
def evaluation_servers(token: str, purpose: str) -> Iterator[Servers]:
    """`throwaway_servers` for `make eval`'s scripts, started; stopped on the way out."""
    with tempfile.TemporaryDirectory() as work:
        servers = throwaway_servers(Path(work), token)
        print(f"Starting servers for {purpose} ...", flush=True)
        try:
            servers.start()
            yield servers
        finally:
            servers.stop()
