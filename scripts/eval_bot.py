"""`make eval`, part 2: held-out accuracy through the running bot (real servers, REST).

Topic accuracy: the `topic` slot after each message equals the expected topic id.
Entity-slot accuracy: for messages naming a massage type or condition, the slot holds
the expected canonical value.
"""
from __future__ import annotations

import sys
import tempfile
import uuid
from collections import Counter
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.heldout import load_heldout  # noqa: E402
from scripts.servers import PROJECT_ROOT, Servers, free_port, write_endpoints  # noqa: E402


def say(servers: Servers, sender: str, text: str) -> str:
    response = requests.post(f"{servers.url}/webhooks/rest/webhook",
                             json={"sender": sender, "message": text}, timeout=30)
    response.raise_for_status()
    return "\n".join(r.get("text", "") for r in response.json())


def measure(servers: Servers, token: str) -> tuple[float, float, list[str]]:
    examples = load_heldout()
    topic_ok, entity_ok, entity_total = 0, 0, 0
    errors: list[str] = []
    by_topic: Counter[str] = Counter()
    for n, example in enumerate(examples, start=1):
        sender = uuid.uuid4().hex
        expected = example.topic
        if expected == "sources":
            # A source request cites the previous answer and leaves its topic unchanged.
            say(servers, sender, "does massage help lower back pain?")
            expected = "effectiveness"
        replies = say(servers, sender, example.text)
        slots = requests.get(f"{servers.url}/conversations/{sender}/tracker",
                             params={"token": token}, timeout=30).json()["slots"]
        cited = example.topic != "sources" or "sources behind my last answer" in replies
        if slots.get("topic") == expected and cited:
            topic_ok += 1
        else:
            by_topic[example.topic] += 1
            errors.append(f"{example.topic} -> {slots.get('topic')}: {example.text[:90]}")
        for slot, values in example.entities.items():
            entity_total += 1
            if slots.get(slot) in values:
                entity_ok += 1
            else:
                errors.append(f"{slot}={'/'.join(sorted(values))} -> {slots.get(slot)}: {example.text[:90]}")
        if n % 50 == 0:
            print(f"  {n}/{len(examples)} messages", flush=True)
    return topic_ok / len(examples), entity_ok / max(entity_total, 1), errors


def main() -> int:
    token = uuid.uuid4().hex
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        action_port, rasa_port = free_port(), free_port()
        servers = Servers(
            model=PROJECT_ROOT / "models" / "backcare.tar.gz", log_dir=work_dir,
            rasa_port=rasa_port, action_port=action_port, token=token,
            endpoints=write_endpoints(work_dir / "endpoints.yml", action_port, work_dir / "t.db"),
        )
        print("Starting servers for the held-out run ...", flush=True)
        try:
            servers.start()
            topic_acc, entity_acc, errors = measure(servers, token)
        finally:
            servers.stop()
    print(f"\nHeld-out through the running bot ({len(load_heldout())} messages):")
    print(f"  topic accuracy       {topic_acc:.3f}")
    print(f"  entity-slot accuracy {entity_acc:.3f}")
    if errors:
        print("Misses (expected -> got):")
        for line in errors:
            print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
