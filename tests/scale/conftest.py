"""The scaled topology for `make scale-test`: PostgreSQL, Redis, two Rasa servers, the
action server and nginx (scripts/cluster.py), started once for the whole run. Not
collected by `make test` (the Makefile ignores tests/scale). The figures the tests measure
are printed at the end of the run; a failed run keeps the servers' logs in results/scale/."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest
import yaml

from scripts.cluster import Cluster
from scripts.servers import PROJECT_ROOT, free_port

MODEL = PROJECT_ROOT / "models" / "backcare.tar.gz"
KEPT_LOGS = PROJECT_ROOT / "results" / "scale"
SUMMARY: list[str] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--lock-store",
        choices=("atomic", "redis", "none"),
        default="atomic",
        help="the lock store the Rasa servers use: atomic (deploy/endpoints.yml), "
        "redis (Rasa's own Redis lock store) or none",
    )
    parser.addoption(
        "--tracker-store",
        choices=("fast", "sql"),
        default="fast",
        help="fast: deploy/endpoints.yml's store; sql: Rasa's own SQL store inside its "
        "FailSafeTrackerStore, as before issue 17 (the fault tests then show what it loses)",
    )


def pytest_terminal_summary(terminalreporter) -> None:
    if SUMMARY:
        terminalreporter.section("scale test figures")
        for line in SUMMARY:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def report() -> list[str]:
    return SUMMARY


@pytest.fixture(scope="session")
def origin() -> str:
    """The clinic web page allowed to open a chat socket (nothing needs to serve it)."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture(scope="session")
def cluster(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, origin: str) -> Iterator[Cluster]:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make scale-test does it for you)")
    settings = tmp_path_factory.mktemp("clinic")
    clinic = yaml.safe_load((PROJECT_ROOT / "clinic.yml").read_text())
    clinic["clinic"]["allowed_origins"] = [origin]
    (settings / "clinic.yml").write_text(yaml.safe_dump(clinic))
    env = {"BACKCARE_CLINIC_FILE": str(settings / "clinic.yml")}
    if os.environ.get("TICKET_LOCK_LIFETIME"):  # to measure another value than deploy/rasa.env's
        env["TICKET_LOCK_LIFETIME"] = os.environ["TICKET_LOCK_LIFETIME"]
    running = Cluster(
        model=MODEL,
        env=env,
        lock_store=request.config.getoption("--lock-store"),
        tracker_store=request.config.getoption("--tracker-store"),
    )
    started = time.monotonic()
    try:
        running.start()
    except BaseException:
        running.stop(keep_logs_in=KEPT_LOGS)
        raise
    SUMMARY.append(
        f"start-up: PostgreSQL, Redis, action server, {len(running.rasa)} Rasa "
        f"servers, nginx in {time.monotonic() - started:.0f} s "
        f"(lock store: {running.lock_store}, tracker store: {running.tracker_store})"
    )
    yield running
    failed = request.session.testsfailed > 0
    running.stop(keep_logs_in=KEPT_LOGS if failed else None)
    if failed:
        SUMMARY.append(f"logs of the failed run: {KEPT_LOGS}")
