"""`make eval`, part 2: the held-out sets through the running bot (real servers, REST).

For each set: topic accuracy (the `topic` slot after each message equals the expected
topic id), clarify rate and how often the right topic was among the choices, out-of-scope
precision and recall (per reason where the set labels it: slot `scope_reason`), entity
slots, per-topic accuracy; for the blind set also the two-turn follow-ups.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from pathlib import Path

import requests

from scripts.eval_metrics import Result, misses, ratio, summarise
from scripts.heldout import BLIND_DIRS, HELDOUT_DIR, Example, FollowUp, load_blind, load_heldout
from scripts.servers import PROJECT_ROOT, Servers, evaluation_servers

SOURCES_LEAD_IN = "does massage help lower back pain?"
# The start of the reply that cites the previous answer (knowledge/messages.yml, sources_intro).
SOURCES_REPLY = "sources behind my last answer"


def say(servers: Servers, sender: str, text: str) -> str:
    response = requests.post(
        f"{servers.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=30
    )
    response.raise_for_status()
    return "\n".join(r.get("text", "") for r in response.json())


def slots_of(servers: Servers, token: str, sender: str) -> dict:
    return requests.get(f"{servers.url}/conversations/{sender}/tracker", params={"token": token}, timeout=30).json()[
        "slots"
    ]


def suggested_of(slots: dict) -> tuple[str, ...]:
    """The suggested_topics slot (a list; flattened in case a mapping nested it)."""
    value = slots.get("suggested_topics") or []
    flat = [t for item in value for t in (item if isinstance(item, list) else [item])]
    return tuple(str(t) for t in flat) if slots.get("topic") == "clarify" else ()


def run_case(servers: Servers, token: str, example: Example) -> Result:
    sender = uuid.uuid4().hex
    expected = example.topic
    if expected == "sources":
        # A source request cites the previous answer and leaves its topic unchanged.
        say(servers, sender, SOURCES_LEAD_IN)
        expected = "effectiveness"
    replies = say(servers, sender, example.text)
    slots = slots_of(servers, token, sender)
    got = slots.get("topic")
    if example.topic == "sources":
        got = "sources" if got == expected and SOURCES_REPLY in replies else got
    entities_right = sum(1 for slot, values in example.entities.items() if slots.get(slot) in values)
    return Result(
        text=example.text,
        topic=example.topic,
        got=got,
        scope_reason=example.scope_reason,
        got_reason=slots.get("scope_reason") if got == "out_of_scope" else None,
        suggested=suggested_of(slots),
        entities_expected=len(example.entities),
        entities_right=entities_right,
    )


def run_follow_up(servers: Servers, token: str, follow_up: FollowUp) -> tuple[Result, Result]:
    sender = uuid.uuid4().hex
    say(servers, sender, follow_up.first)
    first = slots_of(servers, token, sender)
    replies = say(servers, sender, follow_up.text)
    second = slots_of(servers, token, sender)
    got = second.get("topic")
    if follow_up.topic == "sources":
        # As in run_case: the sources of the first answer, its topic unchanged.
        got = "sources" if got == first.get("topic") and SOURCES_REPLY in replies else got
    return (
        Result(follow_up.first, follow_up.first_topic, first.get("topic")),
        Result(follow_up.text, follow_up.topic, got, suggested=suggested_of(second)),
    )


def measure(servers: Servers, token: str, examples: list[Example]) -> list[Result]:
    results = []
    for n, example in enumerate(examples, start=1):
        results.append(run_case(servers, token, example))
        if n % 100 == 0:
            print(f"  {n}/{len(examples)} messages", flush=True)
    return results


def report_set(name: str, results: list[Result], show_misses: bool) -> None:
    print(f"\n== {name}: {len(results)} messages through the running bot ==")
    for line in summarise(results).lines:
        print("  " + line)
    if show_misses:
        print("  misses (expected -> got):")
        for line in misses(results):
            print("    " + line)


def report_follow_ups(pairs: list[tuple[Result, Result]], show_misses: bool) -> None:
    print(f"\n== Follow-ups: {len(pairs)} two-turn conversations ==")
    print(f"  follow-up right (second turn's topic)      {ratio(sum(b.right for _, b in pairs), len(pairs))}")
    print(
        f"  both turns right                           {ratio(sum(a.right and b.right for a, b in pairs), len(pairs))}"
    )
    print(f"  follow-up clarified offering the right one {ratio(sum(b.offered_right for _, b in pairs), len(pairs))}")
    if show_misses:
        for a, b in pairs:
            if not b.right:
                print(f"    [{a.got}] {b.topic} -> {b.got}{list(b.suggested) or ''}: {a.text[:50]} || {b.text[:70]}")


def shown(directory: Path) -> str:
    """A set's folder, relative to the project when it is inside it."""
    return str(directory.relative_to(PROJECT_ROOT)) if directory.is_relative_to(PROJECT_ROOT) else str(directory)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--misses", action="store_true", help="list every miss")
    parser.add_argument("--json", type=Path, help="also write every result to this file")
    parser.add_argument(
        "--blind",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="also measure this set (the blind sets' layout), e.g. a new one before it joins tests/data",
    )
    parser.add_argument(
        "--only", action="store_true", help="measure only the --blind sets (a first look in a few minutes)"
    )
    args = parser.parse_args()
    if args.only and not args.blind:
        parser.error("--only needs at least one --blind set")
    missing = [d for d in args.blind if not d.is_dir() or not any(d.glob("*.yml"))]
    if missing:
        parser.error(f"no *.yml set in {', '.join(map(str, missing))}")
    token = uuid.uuid4().hex
    old = [] if args.only else load_heldout(HELDOUT_DIR)
    project_sets = () if args.only else BLIND_DIRS
    blind_sets = {directory: load_blind(directory) for directory in (*project_sets, *args.blind)}
    with evaluation_servers(token, "the held-out runs") as servers:
        old_results = measure(servers, token, old)
        measured = {
            directory: (measure(servers, token, blind), [run_follow_up(servers, token, f) for f in follow_ups])
            for directory, (blind, follow_ups) in blind_sets.items()
        }
    if args.json:
        import dataclasses
        import json

        args.json.write_text(
            json.dumps(
                {
                    "old": [dataclasses.asdict(r) for r in old_results],
                    **{
                        directory.name: {
                            "cases": [dataclasses.asdict(r) for r in results],
                            "follow_ups": [[dataclasses.asdict(a), dataclasses.asdict(b)] for a, b in pairs],
                        }
                        for directory, (results, pairs) in measured.items()
                    },
                },
                indent=1,
            )
        )
    if old_results:
        report_set(f"Held-out set {HELDOUT_DIR.relative_to(PROJECT_ROOT)}", old_results, args.misses)
    for directory, (results, pairs) in measured.items():
        if results:
            report_set(f"Blind held-out set {shown(directory)}", results, args.misses)
        if pairs:
            report_follow_ups(pairs, args.misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
