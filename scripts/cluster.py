"""The scaled topology on one machine: PostgreSQL, Redis, two Rasa servers, one action
server and nginx in front, all on 127.0.0.1 in a temporary directory.

Used by `make scale-test` (tests/scale/); by hand: `.venv/bin/python scripts/cluster.py`.
It runs the deployment files themselves: deploy/endpoints.yml with its ${VAR}s set in the
environment, deploy/rasa.env, and deploy/nginx/backcare.conf.template (which also decides
how many Rasa servers there are). PostgreSQL, Redis and nginx are Debian's binaries run
as plain processes, never the system services; as root they run as their Debian system
users (PostgreSQL refuses root). Passwords are generated per run. Everything is stopped
by PID and the temporary directory removed.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import psycopg2
import redis
import requests
import yaml

from backcare.clinic import CLINIC_FILE_ENV, Clinic, load_clinic
from scripts.servers import HOST, PROJECT_ROOT, Servers, free_port

DEPLOY = PROJECT_ROOT / "deploy"
NGINX_TEMPLATE = DEPLOY / "nginx" / "backcare.conf.template"
NGINX_BIN = Path("/usr/sbin/nginx")
REDIS_BIN = Path("/usr/bin/redis-server")
DB_NAME = DB_USER = "backcare"
# Debian system user per daemon, used when we are root.
DAEMON_USERS = {"postgres": "postgres", "redis": "redis", "nginx": "www-data"}
# The daemons get none of our environment (it holds the passwords).
DAEMON_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}
KEPT_LOGS = PROJECT_ROOT / "logs" / "cluster"
_PLACEHOLDER = re.compile(r"\$\{([A-Z0-9_]+)\}")


def postgres_bin() -> Path:
    """Debian's newest PostgreSQL, e.g. /usr/lib/postgresql/15/bin."""
    found = glob.glob("/usr/lib/postgresql/*/bin/postgres")
    if not found:
        raise FileNotFoundError("PostgreSQL not found: apt-get install postgresql")
    return Path(max(found, key=lambda p: int(Path(p).parts[-3]))).parent


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines, as docker compose's env_file reads them; # comments skipped."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def fill_template(text: str, values: dict[str, str]) -> str:
    """Replace ${NAME} as envsubst does; a placeholder without a value is an error."""
    missing = sorted(set(_PLACEHOLDER.findall(text)) - set(values))
    if missing:
        raise KeyError(f"no value for {', '.join(missing)}")
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def rasa_slots(template: str) -> list[str]:
    """The template's Rasa server placeholders: RASA_1, RASA_2, ..."""
    return sorted(set(re.findall(r"\b(RASA_\d+)\b", template)), key=lambda s: int(s[5:]))


def _account(daemon: str) -> pwd.struct_passwd | None:
    """Who runs ``daemon``: its system user (or nobody) when we are root, else ourselves."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(DAEMON_USERS[daemon])
    except KeyError:
        return pwd.getpwnam("nobody")


def _as(daemon: str) -> list[str]:
    """Command prefix dropping root. setpriv execs, so the PID we hold is the daemon's."""
    account = _account(daemon)
    if account is None:
        return []
    return ["setpriv", f"--reuid={account.pw_uid}", f"--regid={account.pw_gid}", "--init-groups", "--"]


def _private_dir(path: Path, daemon: str) -> Path:
    """A directory only ``daemon``'s user can read."""
    path.mkdir(mode=0o700)
    account = _account(daemon)
    if account is not None:
        os.chown(path, account.pw_uid, account.pw_gid)
    return path


def _give(path: Path, daemon: str) -> None:
    account = _account(daemon)
    if account is not None:
        os.chown(path, account.pw_uid, account.pw_gid)


@dataclass
class Cluster:
    model: Path
    env: dict[str, str] = field(default_factory=dict)  # extra environment for Rasa and actions
    # "atomic": deploy/endpoints.yml as it is. To show what it prevents: "redis" (Rasa's
    # own Redis lock store) or "none" (each server's in-memory lock only).
    lock_store: str = "atomic"
    # "fast": deploy/endpoints.yml's FastSQLTrackerStore. "sql": Rasa's own SQL store inside its
    # FailSafeTrackerStore, as before issue 17 (to measure what the project's store prevents).
    tracker_store: str = "fast"
    work: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="backcare-cluster-")))
    nginx_port: int = field(default_factory=free_port)
    postgres_port: int = field(default_factory=free_port)
    redis_port: int = field(default_factory=free_port)
    action_port: int = field(default_factory=free_port)
    postgres_password: str = field(default_factory=lambda: secrets.token_hex(16))
    redis_password: str = field(default_factory=lambda: secrets.token_hex(16))
    daemons: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    actions: Servers | None = None
    rasa: list[Servers] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.nginx_port}"

    @property
    def db_url(self) -> str:
        return f"postgresql://{DB_USER}:{self.postgres_password}@{HOST}:{self.postgres_port}/{DB_NAME}"

    @property
    def logs(self) -> Path:
        return self.work / "logs"

    @property
    def access_log(self) -> Path:
        return self.work / "nginx" / "access.log"

    def rasa_address(self, index: int) -> str:
        return f"{HOST}:{self.rasa[index].rasa_port}"

    def start(self, timeout: float = 300) -> None:
        started = time.monotonic()
        self.work.chmod(0o755)  # the daemons' users reach their own directories inside
        self.logs.mkdir(exist_ok=True)
        self.start_postgres()
        self.start_redis()
        self.start_assistant()
        self.start_nginx()
        for server in [self.actions, *self.rasa]:
            assert server is not None
            server.wait_ready(max(timeout - (time.monotonic() - started), 1))
        self._wait("nginx", lambda: requests.get(f"{self.url}/health", timeout=2).raise_for_status())

    def start_postgres(self) -> None:
        binaries = postgres_bin()
        home = _private_dir(self.work / "postgres", "postgres")
        password_file = home / "password"
        password_file.write_text(self.postgres_password)
        _give(password_file, "postgres")
        with open(self.logs / "initdb.log", "wb") as log:
            subprocess.run(
                [
                    *_as("postgres"),
                    str(binaries / "initdb"),
                    "-D",
                    str(home / "data"),
                    "-U",
                    DB_USER,
                    f"--pwfile={password_file}",
                    "--auth=scram-sha-256",
                    "--encoding=UTF8",
                    "--no-instructions",
                ],
                cwd=home,
                env=DAEMON_ENV,
                stdout=log,
                stderr=subprocess.STDOUT,
                check=True,
            )
        password_file.unlink()
        self._spawn_postgres()

        def create_database() -> None:
            connection = psycopg2.connect(
                host=HOST,
                port=self.postgres_port,
                user=DB_USER,
                password=self.postgres_password,
                dbname="postgres",
                connect_timeout=2,
            )
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,))
                if cursor.fetchone() is None:
                    cursor.execute(f"CREATE DATABASE {DB_NAME}")
            connection.close()

        self._wait("postgres", create_database)

    def _spawn_postgres(self) -> None:
        home = self.work / "postgres"
        self._spawn(
            "postgres",
            [
                str(postgres_bin() / "postgres"),
                "-D",
                str(home / "data"),
                "-c",
                f"listen_addresses={HOST}",
                "-c",
                f"port={self.postgres_port}",
                "-c",
                f"unix_socket_directories={home}",
            ],
            cwd=home,
        )

    def stop_postgres(self) -> None:
        """A "fast" shutdown, as a restart or failover does: open sessions end."""
        self._stop_daemon("postgres", signal.SIGINT)

    def start_postgres_again(self) -> None:
        """The same data directory and port, after stop_postgres."""
        self._spawn_postgres()
        self._wait("postgres", lambda: psycopg2.connect(self.db_url, connect_timeout=2).close())

    def restart_redis(self) -> None:
        """Stopped and started again: an in-memory lock store loses every lock."""
        self._stop_daemon("redis", signal.SIGTERM)
        self._spawn_redis()

    def start_redis(self) -> None:
        home = _private_dir(self.work / "redis", "redis")
        # A lock store only: nothing worth persisting, so no snapshots and no append log.
        config = home / "redis.conf"
        config.write_text(
            f"bind {HOST}\nport {self.redis_port}\nrequirepass {self.redis_password}\n"
            f'save ""\nappendonly no\ndir {home}\ndaemonize no\n'
        )
        config.chmod(0o600)
        _give(config, "redis")
        self._spawn_redis()

    def _spawn_redis(self) -> None:
        home = self.work / "redis"
        self._spawn("redis", [str(REDIS_BIN), str(home / "redis.conf")], cwd=home)
        client = redis.Redis(host=HOST, port=self.redis_port, password=self.redis_password)
        self._wait("redis", client.ping)
        client.close()

    def start_assistant(self) -> None:
        """The action server and the Rasa servers, all loading at once."""
        self.actions = Servers(
            model=self.model, log_dir=self.logs / "actions", action_port=self.action_port, env=self.env
        )
        self.actions.start_actions()
        if not self.rasa:
            slots = rasa_slots(NGINX_TEMPLATE.read_text())
            self.rasa = [
                Servers(
                    model=self.model,
                    log_dir=self.logs / slot.lower().replace("_", ""),
                    rasa_port=free_port(),
                    action_port=self.action_port,
                )
                for slot in slots
            ]
        for server in self.rasa:
            server.endpoints, server.env = self._endpoints(), self.rasa_env()
            server.start_rasa()

    def rasa_env(self) -> dict[str, str]:
        """What deploy/endpoints.yml and deploy/rasa.env need, as compose would set it."""
        return {
            **read_env_file(DEPLOY / "rasa.env"),
            "ACTION_SERVER_URL": f"http://{HOST}:{self.action_port}/webhook",
            "POSTGRES_HOST": HOST,
            "POSTGRES_PORT": str(self.postgres_port),
            "POSTGRES_DB": DB_NAME,
            "POSTGRES_USER": DB_USER,
            "POSTGRES_PASSWORD": self.postgres_password,
            "REDIS_HOST": HOST,
            "REDIS_PORT": str(self.redis_port),
            "REDIS_PASSWORD": self.redis_password,
            "TRACKER_OUTBOX": str(self.work / "outbox" / "tracker-outbox.db"),
            **self.env,
        }

    def _endpoints(self) -> Path:
        if self.lock_store == "atomic" and self.tracker_store == "fast":
            return DEPLOY / "endpoints.yml"
        # BaseLoader keeps the ${VAR}s as text for Rasa to fill in (even in a process that
        # imported Rasa, which teaches PyYAML's other loaders to expand them).
        endpoints = yaml.load((DEPLOY / "endpoints.yml").read_text(), Loader=yaml.BaseLoader)
        if self.lock_store == "redis":
            endpoints["lock_store"]["type"] = "redis"
        elif self.lock_store == "none":
            del endpoints["lock_store"]
        if self.tracker_store == "sql":
            endpoints["tracker_store"]["type"] = "SQL"
            del endpoints["tracker_store"]["outbox"]
        path = self.work / f"endpoints-{self.lock_store}-{self.tracker_store}.yml"
        path.write_text(yaml.safe_dump(endpoints, sort_keys=False))
        return path

    def start_nginx(self) -> None:
        home = _private_dir(self.work / "nginx", "nginx")
        (home / "temp").mkdir()
        _give(home / "temp", "nginx")
        shutil.copy(DEPLOY / "nginx" / "nginx.local.conf", home / "nginx.conf")
        # The refusals name the clinic's emergency number, inside JSON inside '...'.
        number = json.dumps(self.clinic().emergency_number)[1:-1].replace("'", "\\u0027")
        values = {"LISTEN": f"{HOST}:{self.nginx_port}", "EMERGENCY_NUMBER": number}
        values.update({f"RASA_{n + 1}": self.rasa_address(n) for n in range(len(self.rasa))})
        (home / "backcare.conf").write_text(fill_template(NGINX_TEMPLATE.read_text(), values))
        self._spawn(
            "nginx",
            [str(NGINX_BIN), "-p", f"{home}/", "-c", str(home / "nginx.conf"), "-e", "stderr", "-g", "daemon off;"],
            cwd=home,
        )

    def clinic(self) -> Clinic:
        """The clinic settings the Rasa servers read."""
        clinic_file = self.env.get(CLINIC_FILE_ENV)
        return load_clinic(Path(clinic_file) if clinic_file else None)

    def kill_rasa(self, index: int) -> None:
        """SIGKILL one Rasa server, as a crash would."""
        self.rasa[index].kill("rasa")

    def start_rasa_again(self, index: int, timeout: float = 300) -> None:
        """After kill_rasa: the same server again, on its port, as a supervisor restarts it."""
        server = self.rasa[index]
        server.start_rasa()
        server.wait_ready(timeout)

    def restart_rasa(self, lock_store: str, timeout: float = 300) -> None:
        """Stop the Rasa servers still running, start all of them again on their ports."""
        for server in self.rasa:
            server.stop()
        self.lock_store = lock_store
        for server in self.rasa:
            server.endpoints = self._endpoints()
            server.start_rasa()
        for server in self.rasa:
            server.wait_ready(timeout)

    def stop(self, keep_logs_in: Path | None = None) -> None:
        """Stop everything by PID, front to back; keep the logs if asked; remove the rest."""
        self._stop_daemon("nginx", signal.SIGTERM)
        for server in [*self.rasa, self.actions]:
            if server is not None:
                server.stop()
        self._stop_daemon("redis", signal.SIGTERM)
        self._stop_daemon("postgres", signal.SIGINT)  # "fast" shutdown: ends open sessions
        if keep_logs_in is not None:
            shutil.copytree(self.logs, keep_logs_in, dirs_exist_ok=True)
            if self.access_log.exists():
                shutil.copy(self.access_log, keep_logs_in / "nginx-access.log")
        shutil.rmtree(self.work, ignore_errors=True)

    def _spawn(self, name: str, command: list[str], cwd: Path) -> None:
        with open(self.logs / f"{name}.log", "ab") as log:  # the child keeps its own copy
            self.daemons[name] = subprocess.Popen(
                [*_as(name), *command],
                cwd=cwd,
                env=DAEMON_ENV,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def _wait(self, name: str, probe: Callable[[], object], timeout: float = 60) -> None:
        """Call ``probe`` until it stops raising; fail with the log if the daemon exits."""
        process = self.daemons[name]
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                log = (self.logs / f"{name}.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{name} exited with {process.returncode}:\n{log}")
            try:
                probe()
                return
            except Exception:  # not up yet
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.3)

    def _stop_daemon(self, name: str, sig: signal.Signals) -> None:
        process = self.daemons.pop(name, None)
        if process is None or process.poll() is not None:
            return
        process.send_signal(sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--lock-store",
        choices=("atomic", "redis", "none"),
        default="atomic",
        help="redis: Rasa's own Redis lock store; none: no shared lock",
    )
    args = parser.parse_args()
    cluster = Cluster(model=PROJECT_ROOT / "models" / "backcare.tar.gz", lock_store=args.lock_store)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"Starting PostgreSQL, Redis, the action server, Rasa servers and nginx in {cluster.work} ...", flush=True)
    try:
        cluster.start()
        print(f"REST and socket.io through nginx: {cluster.url}/webhooks/rest/webhook, {cluster.url}/socket.io/")
        print(f"Rasa servers: {', '.join(cluster.rasa_address(n) for n in range(len(cluster.rasa)))}")
        print(f"Logs: {cluster.logs}, {cluster.access_log}. Press Ctrl-C to stop.", flush=True)
        while all(p.poll() is None for p in cluster.daemons.values()):
            time.sleep(1)
        print("A server stopped unexpectedly.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    except (RuntimeError, TimeoutError, subprocess.CalledProcessError) as exc:
        print(f"Cannot start: {exc}", file=sys.stderr)
        return 1
    finally:
        print(f"\nStopping ... (logs kept in {KEPT_LOGS})", flush=True)
        cluster.stop(keep_logs_in=KEPT_LOGS)


if __name__ == "__main__":
    sys.exit(main())
