"""The figures of `make eval` from (expected, got) pairs, for any held-out set.

A clarifying question (topic `clarify`) is never counted as a right answer; how often it
offered the right topic is reported separately.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from backcare.contract import BEHAVIOUR_TOPICS, ScopeReason, Topic, names

OUT_OF_SCOPE = Topic.OUT_OF_SCOPE
CLARIFY = Topic.CLARIFY
# The blind set's label for a vague opener ("help, my back hurts"). The bot answers one with
# the warning signs and topic buttons, which sets topic `clarify`: that is the right reply.
VAGUE = "vague"
SCOPE_REASONS = names(ScopeReason)
NOT_KNOWLEDGE = BEHAVIOUR_TOPICS | {VAGUE}


@dataclass(frozen=True)
class Result:
    text: str
    topic: str  # expected
    got: str | None
    scope_reason: str | None = None  # expected (None: the set does not say)
    got_reason: str | None = None
    suggested: tuple[str, ...] = ()
    entities_expected: int = 0
    entities_right: int = 0

    @property
    def right(self) -> bool:
        return self.got == self.topic or (self.topic == VAGUE and self.got == CLARIFY)

    @property
    def clarified(self) -> bool:
        return self.got == CLARIFY and self.topic not in (CLARIFY, VAGUE)

    @property
    def offered_right(self) -> bool:
        return self.clarified and self.topic in self.suggested


def ratio(part: int, whole: int) -> str:
    return f"{part / whole:.3f} ({part}/{whole})" if whole else "n/a (0)"


@dataclass
class Summary:
    lines: list[str] = field(default_factory=list)
    topic_accuracy: float = 0.0
    oos_precision: float | None = None
    oos_recall: float | None = None

    def add(self, line: str) -> None:
        self.lines.append(line)


def summarise(results: list[Result], knowledge_topics: frozenset[str] | None = None) -> Summary:
    s = Summary()
    n = len(results)
    right = sum(r.right for r in results)
    clarified = [r for r in results if r.clarified]
    answered = [r for r in results if r.got != CLARIFY]
    s.topic_accuracy = right / n if n else 0.0
    s.add(f"topic accuracy                 {ratio(right, n)}")
    s.add(f"  + right topic offered in a clarify {ratio(sum(r.offered_right for r in results), n)}")
    s.add(f"accuracy of the answered       {ratio(sum(r.right for r in answered), len(answered))}")
    s.add(f"clarify rate                   {ratio(len(clarified), n)}")
    s.add(f"right topic among the choices  {ratio(sum(r.offered_right for r in clarified), len(clarified))}")
    ent_total = sum(r.entities_expected for r in results)
    s.add(f"entity-slot accuracy           {ratio(sum(r.entities_right for r in results), ent_total)}")
    # Out of scope: all reasons together, then per reason where the set labels the reason.
    predicted = [r for r in results if r.got == OUT_OF_SCOPE]
    actual = [r for r in results if r.topic == OUT_OF_SCOPE]
    both = [r for r in actual if r.got == OUT_OF_SCOPE]
    s.oos_precision = len(both) / len(predicted) if predicted else None
    s.oos_recall = len(both) / len(actual) if actual else None
    s.add(f"out of scope precision         {ratio(len(both), len(predicted))}")
    s.add(f"out of scope recall            {ratio(len(both), len(actual))}")
    if any(r.scope_reason for r in actual):
        for reason in SCOPE_REASONS:
            pred = [r for r in predicted if r.got_reason == reason]
            act = [r for r in actual if r.scope_reason == reason]
            hit = [r for r in act if r.got == OUT_OF_SCOPE and r.got_reason == reason]
            right = sum(r.topic == OUT_OF_SCOPE and r.scope_reason == reason for r in pred)
            s.add(f"  {reason:16} precision {ratio(right, len(pred))}  recall {ratio(len(hit), len(act))}")
        medicine_answers = [
            r for r in actual if r.scope_reason == ScopeReason.MEDICINES and r.got not in NOT_KNOWLEDGE and r.got
        ]
        s.add(f"medicine questions answered from the knowledge base: {len(medicine_answers)}")
    else:
        s.add("  (this set does not label the out-of-scope reason)")
    s.add("per topic (n, right, clarify offering it):")
    by_topic: dict[str, Counter[str]] = {}
    for r in results:
        c = by_topic.setdefault(r.topic, Counter())
        c["n"] += 1
        c["right"] += r.right
        c["offered"] += r.offered_right
    for topic, c in sorted(by_topic.items()):
        s.add(f"  {topic:24} {c['n']:4d}  {c['right'] / c['n']:.2f}  {c['offered']:3d}")
    return s


def misses(results: list[Result]) -> list[str]:
    out = []
    for r in results:
        if not r.right:
            got = r.got if r.got != CLARIFY else f"clarify[{','.join(r.suggested)}]"
            reason = f"/{r.got_reason}" if r.got == OUT_OF_SCOPE else ""
            want = f"{r.topic}/{r.scope_reason}" if r.scope_reason else r.topic
            out.append(f"{want} -> {got}{reason}: {r.text[:100]}")
    return out
