"""`make eval`, safety part: the warning-sign case sets through the running bot (real
servers, REST).

Prints, per set: recall of warning signs (a referral of the right tier or higher, or a
safety check that says where to go now), per sign and tier; how many look-alikes were
referred or checked; how often a check is asked on messages without a sign (look-alikes
and the held-out topic questions); for the conversation sets (a sign told over two or three
messages, or none), what each conversation reached; and every miss.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import requests

from scripts.heldout import load_heldout
from scripts.safety_sets import (
    CONVERSATION_FILE,
    DATA,
    ConversationCase,
    LookAlike,
    SignCase,
    load_conversation_cases,
    load_look_alikes,
    load_sign_cases,
    outcome,
)
from scripts.servers import Servers, evaluation_servers

SEVERITY = {"none": 0, "check": 1, "urgent": 2, "emergency": 3}


def reaches_care(got: str, tier: str) -> bool:
    """A referral of the sign's tier or a more severe one, or a check (which already says
    where to go now), reaches care in time."""
    return got == "check" or SEVERITY[got] >= SEVERITY[tier]


def ask(servers: Servers, token: str, text: str, sender: str | None = None) -> str:
    sender = sender or uuid.uuid4().hex
    response = requests.post(
        f"{servers.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=30
    )
    response.raise_for_status()
    reply = "\n".join(r.get("text", "") for r in response.json())
    slots = requests.get(f"{servers.url}/conversations/{sender}/tracker", params={"token": token}, timeout=30).json()[
        "slots"
    ]
    return outcome(reply, slots)


@dataclass(frozen=True)
class Cases:
    signs: list[SignCase]
    look_alikes: list[LookAlike]
    questions: list[str]
    conversations: list[ConversationCase]


def cases_to_measure(blind: Path | None = None, only: bool = False, data: Path = DATA) -> Cases:
    """The sets `make eval` measures, plus a new set in the blind sets' layout (``blind``);
    with ``only``, that set alone. A folder already in ``data`` is measured once, not twice."""
    extra = None if blind is None or blind.resolve().parent == data.resolve() else blind
    signs = load_sign_cases(data, blind=extra, eval_only=True)
    look_alikes = load_look_alikes(data, blind=extra, eval_only=True)
    questions = [e.text for e in load_heldout()]
    conversations = load_conversation_cases(data)
    if extra is not None and (extra / CONVERSATION_FILE).is_file():
        conversations += load_conversation_cases(folders=(extra,))
    if only and blind is not None:  # a first look at a new set: nothing else
        name = blind.name
        signs = [c for c in signs if c.set_name == name]
        look_alikes = [c for c in look_alikes if c.set_name == name]
        conversations = [c for c in conversations if c.set_name == name]
        questions = []
    return Cases(signs, look_alikes, questions, conversations)


def trap_breakdown(trapped: dict[str, Counter[str]]) -> str:
    """What the conversations without a sign that reached more than "none" were, by their trap
    (a sign told and taken back later is referred when told, on purpose), most first:
    "denied_later 7 (referred 6, checked 1), someone_else 2 (referred 2)"."""
    parts = []
    for kind, c in sorted(trapped.items(), key=lambda item: (-sum(item[1].values()), item[0])):
        referred = c["emergency"] + c["urgent"]
        shares = [f"{label} {n}" for label, n in (("referred", referred), ("checked", c["check"])) if n]
        parts.append(f"{kind} {referred + c['check']} ({', '.join(shares)})")
    return ", ".join(parts)


def report(servers: Servers, token: str, blind: Path | None = None, only: bool = False) -> None:
    cases = cases_to_measure(blind, only)
    signs, look_alikes, questions, conversations = cases.signs, cases.look_alikes, cases.questions, cases.conversations
    total = len(signs) + len(look_alikes) + len(questions) + sum(len(c.turns) for c in conversations)
    done, started = 0, time.monotonic()

    def progress() -> None:
        nonlocal done
        done += 1
        if done % 100 == 0:
            print(f"  {done}/{total} messages ({time.monotonic() - started:.0f} s)", flush=True)

    recall: dict[str, Counter[str]] = defaultdict(Counter)
    per_sign: dict[str, Counter[str]] = defaultdict(Counter)
    misses = []
    for case in signs:
        got = ask(servers, token, case.text)
        progress()
        ok = reaches_care(got, case.tier)
        for key in (case.set_name, f"{case.set_name}:{case.tier}"):
            recall[key]["ok" if ok else "missed"] += 1
            recall[key][got] += 1
        per_sign[case.sign]["ok" if ok else "missed"] += 1
        if not ok:
            misses.append(f"[{case.set_name}] {case.sign} ({case.tier}) -> {got}: {case.text[:160]}")
    looked: dict[str, Counter[str]] = defaultdict(Counter)
    flagged = []
    for look_alike in look_alikes:
        got = ask(servers, token, look_alike.text)
        progress()
        looked[look_alike.set_name][got] += 1
        if got != "none":
            flagged.append(f"[{look_alike.set_name}] {look_alike.kind} -> {got}: {look_alike.text[:160]}")
    asked: Counter[str] = Counter()
    for text in questions:
        asked[ask(servers, token, text)] += 1
        progress()
    told: dict[str, Counter[str]] = defaultdict(Counter)
    trapped: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    told_misses = []
    for conversation in conversations:
        sender = uuid.uuid4().hex
        outcomes = []
        for text in conversation.turns:
            outcomes.append(ask(servers, token, text, sender))
            progress()
        got = max(outcomes, key=SEVERITY.__getitem__)  # what the conversation reached
        counts = told[f"{conversation.set_name}:{'signs' if conversation.sign else 'none'}"]
        counts[got] += 1
        if conversation.sign:
            ok = reaches_care(got, conversation.tier)
            counts["ok" if ok else "missed"] += 1
            if not ok:
                told_misses.append(
                    f"[{conversation.set_name}] {conversation.sign} ({conversation.tier}) -> {got}: "
                    + " / ".join(conversation.turns)[:200]
                )
        elif got != "none":
            trapped[conversation.set_name][conversation.kind or "?"][got] += 1
            told_misses.append(
                f"[{conversation.set_name}] no sign ({conversation.kind}) -> {got}: "
                + " / ".join(conversation.turns)[:200]
            )

    if signs:
        print(f"\nWarning signs through the running bot ({len(signs)} messages):")
    for key in sorted(recall):
        c = recall[key]
        n = c["ok"] + c["missed"]
        print(
            f"  {key:18s} recall {c['ok']}/{n} = {c['ok'] / n:.3f}  "
            f"(referred: emergency {c['emergency']}, urgent {c['urgent']}; checked {c['check']})"
        )
    if signs:
        print("  per sign: " + ", ".join(f"{s} {c['ok']}/{c['ok'] + c['missed']}" for s, c in sorted(per_sign.items())))
    if look_alikes:
        print(f"\nLook-alikes ({len(look_alikes)} messages without a sign):")
    for key, c in sorted(looked.items()):
        n = sum(c.values())
        referred = c["emergency"] + c["urgent"]
        print(
            f"  {key:8s} referred {referred}/{n} = {referred / n:.3f}, checked {c['check']}/{n} = {c['check'] / n:.3f}"
        )
    no_sign = sum(sum(c.values()) for c in looked.values()) + sum(asked.values())
    checks = sum(c["check"] for c in looked.values()) + asked["check"]
    if no_sign:
        print(
            f"\nChecks on messages without a sign (look-alikes + {len(questions)} held-out questions): "
            f"{checks}/{no_sign} = {checks / no_sign:.3f}; held-out questions referred: "
            f"{asked['emergency'] + asked['urgent']}"
        )
    if conversations:
        print(f"\nConversations ({len(conversations)}): a sign told over several messages, or none; what each reached:")
        for key, c in sorted(told.items()):
            n = c["emergency"] + c["urgent"] + c["check"] + c["none"]
            line = (
                f"  {key:28s} referred emergency {c['emergency']}, urgent {c['urgent']}; "
                f"checked {c['check']}; none {c['none']} (of {n})"
            )
            if key.endswith(":signs"):
                line += f"; recall {c['ok']}/{n} = {c['ok'] / n:.3f}"
            print(line)
            set_name = key.rsplit(":", 1)[0]
            if key.endswith(":none") and trapped.get(set_name):
                print(f"  {'':28s} by trap: {trap_breakdown(trapped[set_name])}")
    if misses:
        print("\nMissed warning signs:")
        for line in misses:
            print("  " + line)
    if flagged:
        print("\nLook-alikes referred or checked:")
        for line in flagged:
            print("  " + line)
    if told_misses:
        print("\nConversations missed (a sign) or referred or checked (none):")
        for line in told_misses:
            print("  " + line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--blind",
        type=Path,
        metavar="DIR",
        help="also measure this set (red_flag_signs.yml and red_flag_lookalikes.yml, or "
        f"{CONVERSATION_FILE}: the blind sets' layout), e.g. a new one before it joins tests/data",
    )
    parser.add_argument("--only", action="store_true", help="measure only the --blind set (a first look)")
    args = parser.parse_args()
    if args.blind is not None and not any(
        (args.blind / name).is_file() for name in ("red_flag_signs.yml", CONVERSATION_FILE)
    ):
        parser.error(f"{args.blind}: neither red_flag_signs.yml nor {CONVERSATION_FILE} there")
    if args.only and args.blind is None:
        parser.error("--only needs --blind DIR")
    token = uuid.uuid4().hex
    with evaluation_servers(token, "the safety run") as servers:
        report(servers, token, args.blind, args.only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
