"""Real servers for the end-to-end tests: the trained model, the action server and the
Rasa server on free loopback ports, with a fresh SQLite tracker store."""

from __future__ import annotations

import pytest
import yaml

from scripts.servers import PROJECT_ROOT, Servers, free_port, write_endpoints
from tests.support.chat import MODEL, TOKEN, Bot, SocketUser


@pytest.fixture
def socket_user(servers: Servers):
    user = SocketUser(servers)
    yield user
    user.close()


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory):
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it for you)")
    work = tmp_path_factory.mktemp("servers")
    action_port, rasa_port, web_port = free_port(), free_port(), free_port()
    # The clinic settings, allowing the demo page's origin on this test's port.
    clinic = yaml.safe_load((PROJECT_ROOT / "clinic.yml").read_text())
    clinic["clinic"]["allowed_origins"] = [f"http://127.0.0.1:{web_port}"]
    (work / "clinic.yml").write_text(yaml.safe_dump(clinic))
    running = Servers(
        model=MODEL,
        log_dir=work,
        rasa_port=rasa_port,
        action_port=action_port,
        endpoints=write_endpoints(work / "endpoints.yml", action_port, work / "trackers.db"),
        token=TOKEN,
        web_port=web_port,
        env={"BACKCARE_CLINIC_FILE": str(work / "clinic.yml")},
    )
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def bot(servers: Servers) -> Bot:
    return Bot(servers)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item (the browser test screenshots failures)."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
