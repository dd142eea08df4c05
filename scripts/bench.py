"""`make bench`: training time, cold start, memory, and latency/throughput over REST.

Prints one table. Everything runs on 127.0.0.1 with bounded request counts. Not part of
`make test` (it takes a few minutes and its figures depend on the machine).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from scripts.servers import PROJECT_ROOT, VENV_BIN, Servers, throwaway_servers

# A realistic conversation: answers (custom action), a source follow-up, chit-chat.
CONVERSATION = [
    "hi",
    "does massage help lower back pain?",
    "is deep tissue massage safe if I'm on warfarin?",
    "what's your source?",
    "how often should I go?",
    "thanks",
]


# (concurrent conversations, conversations in all) per load level
LOADS = ((1, 20), (10, 100), (50, 100))


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a process and its children, in MB."""
    total = 0
    pids = [pid] + [
        int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    ]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total / 1024


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def train_seconds() -> float:
    with tempfile.TemporaryDirectory() as out:
        started = time.monotonic()
        subprocess.run(
            [str(VENV_BIN / "backcare-rasa"), "train", "--force", "--out", out],
            cwd=PROJECT_ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return time.monotonic() - started


def load(url: str, concurrency: int, conversations: int) -> dict[str, float]:
    """`conversations` conversations (unique senders), `concurrency` at a time."""
    latencies: list[float] = []
    errors = empty = 0
    lock = threading.Lock()

    def converse(_: int) -> None:
        nonlocal errors, empty
        sender = uuid.uuid4().hex
        session = requests.Session()
        for text in CONVERSATION:
            started = time.monotonic()
            try:
                reply = session.post(
                    f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
                )
                ok = reply.status_code == 200
                blank = ok and not any(m.get("text") for m in reply.json())
            except requests.RequestException:
                ok, blank = False, False
            with lock:
                latencies.append(time.monotonic() - started)
                errors += not ok
                empty += blank

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(converse, range(conversations)))
    elapsed = time.monotonic() - started
    q = statistics.quantiles(latencies, n=100)
    return {
        "p50": q[49] * 1000,
        "p95": q[94] * 1000,
        "p99": q[98] * 1000,
        "rps": len(latencies) / elapsed,
        "errors": errors,
        "empty": empty,
        "n": len(latencies),
    }


def measured_load(servers: Servers, concurrency: int, conversations: int) -> dict[str, float]:
    """One load run, with each server's CPU time per message."""
    cpu_before = {name: cpu_seconds(process.pid) for name, process in servers.processes.items()}
    run = load(servers.url, concurrency, conversations)
    for name, process in servers.processes.items():
        run[f"{name}_cpu_ms"] = (cpu_seconds(process.pid) - cpu_before[name]) * 1000 / run["n"]
    return run


def load_row(concurrency: int, median: dict[str, float], runs: list[dict[str, float]]) -> tuple[str, str]:
    """The median run's latencies, the throughput range, and the errors of every run."""
    spread = f" (runs {min(x['rps'] for x in runs):.0f}-{max(x['rps'] for x in runs):.0f})" if len(runs) > 1 else ""
    return (
        f"REST, {concurrency} concurrent ({median['n']:.0f} messages x {len(runs)})",
        f"p50 {median['p50']:.0f} ms, p95 {median['p95']:.0f} ms, p99 {median['p99']:.0f} ms, "
        f"{median['rps']:.1f} msg/s{spread}, {sum(x['errors'] for x in runs):.0f} errors, "
        f"{sum(x['empty'] for x in runs):.0f} empty",
    )


async def in_process_floor(endpoints_file: Path, messages: int = 600) -> float:
    """Messages per second through Agent.handle_text with the server's endpoints (the same
    action server and SQL tracker store), no HTTP: REST's own cost is the difference."""
    import logging

    import patches

    patches.apply()  # as `backcare-rasa run` does: the project's tracker store needs it
    from rasa.core.agent import Agent
    from rasa.core.tracker_store import TrackerStore
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.log_utils import configure_structlog

    # The server logs at INFO; unconfigured, Rasa's structlog would print debug lines here.
    logging.basicConfig(level=logging.WARNING)
    configure_structlog(logging.WARNING)

    endpoints = AvailableEndpoints.read_endpoints(str(endpoints_file))
    agent = Agent.load(
        str(PROJECT_ROOT / "models" / "backcare.tar.gz"),
        action_endpoint=endpoints.action,
        tracker_store=TrackerStore.create(endpoints.tracker_store),
    )
    run = uuid.uuid4().hex
    for text in CONVERSATION:  # untimed: first calls fill caches (compiled SQL, connections)
        await agent.handle_text(text, sender_id=f"{run}-warm-up")
    started = time.monotonic()
    for n in range(messages):
        await agent.handle_text(CONVERSATION[n % len(CONVERSATION)], sender_id=f"{run}-{n // len(CONVERSATION)}")
    return messages / (time.monotonic() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-training", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="runs per load level (default 3)")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    rows: list[tuple[str, str]] = []
    if not args.skip_training:
        print("Training from scratch ...", flush=True)
        rows.append(("training (rasa train --force)", f"{train_seconds():.0f} s"))

    with tempfile.TemporaryDirectory() as work:
        servers = throwaway_servers(Path(work))
        try:
            print("Cold start ...", flush=True)
            started = time.monotonic()
            servers.start()
            requests.post(
                f"{servers.url}/webhooks/rest/webhook",
                json={"sender": "cold", "message": "does massage help?"},
                timeout=60,
            )
            rows.append(("cold start (launch to first answer)", f"{time.monotonic() - started:.1f} s"))
            for concurrency, conversations in LOADS:
                print(f"Load: {concurrency} concurrent, {args.repeat} runs ...", flush=True)
                runs = [measured_load(servers, concurrency, conversations) for _ in range(args.repeat)]
                r = sorted(runs, key=lambda run: run["rps"])[len(runs) // 2]  # the median run
                rows.append(load_row(concurrency, r, runs))
                if concurrency == 1:
                    single_rps = r["rps"]
                if concurrency == 10:
                    rows.append(
                        (
                            "CPU per message at 10 concurrent, Rasa / actions",
                            f"{r['rasa_cpu_ms']:.1f} / {r['actions_cpu_ms']:.1f} ms "
                            f"(one core: at most {1000 / r['rasa_cpu_ms']:.0f} msg/s per Rasa server)",
                        )
                    )
            rows.append(("peak RSS, Rasa server", f"{peak_rss_mb(servers.processes['rasa'].pid):.0f} MB"))
            rows.append(("peak RSS, action server", f"{peak_rss_mb(servers.processes['actions'].pid):.0f} MB"))
            print("In-process floor ...", flush=True)
            floor = asyncio.run(in_process_floor(servers.endpoints))
            rows.append(("in-process floor (Agent.handle_text)", f"{floor:.1f} msg/s"))
            rows.append(("HTTP overhead (floor / REST at 1 concurrent)", f"{floor / single_rps:.2f}x"))
        finally:
            servers.stop()

    width = max(len(name) for name, _ in rows)
    print()
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
