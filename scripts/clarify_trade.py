"""The trade behind knowledge/clarify.yml: accuracy of the answered questions against how
often the bot asks which topic is meant, on a held-out set, for a grid of thresholds.

The model parses each held-out message once in-process; the turn's outcome is then worked
out as the bot does it (backcare/clarify.py for the questions that reach the answer
action, the intent's fixed reply otherwise). Choose on tests/data/heldout; the blind set
is for checking the choice, never for making it.

    .venv/bin/python scripts/clarify_trade.py            # tests/data/heldout
    .venv/bin/python scripts/clarify_trade.py --blind    # tests/data/heldout_blind
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
from dataclasses import replace
from pathlib import Path

from backcare.clarify import (
    Thresholds,
    decide,
    follow_up_reading,
    load_continuation,
    load_entity_topics,
    load_thresholds,
    load_topic_follow_ups,
    reads_the_domain,
    resolve,
    without_red_flags,
    word_count,
)
from backcare.contract import FOLLOW_UP_INTENT, RED_FLAG_INTENTS
from backcare.knowledge import KnowledgeBase, load_knowledge_base
from backcare.scope import load_scope_check
from scripts.eval_metrics import Result, ratio
from scripts.heldout import Example, load_blind, load_heldout

MODEL = Path(__file__).resolve().parent.parent / "models" / "backcare.tar.gz"
# The topic slot a fixed reply sets (domain.yml); None: left alone.
FIXED_TOPIC = {
    "out_of_scope": "out_of_scope",
    "medicines": "out_of_scope",
    "other_body_part": "out_of_scope",
    "vague_opener": "clarify",
    "sources": "sources",
    **dict.fromkeys(RED_FLAG_INTENTS, "red_flags"),
}
FALLBACK = "nlu_fallback"
# Intents answered by the decision (backcare/clarify.decide) besides the knowledge-base topics.
DECIDED = frozenset({FALLBACK, FOLLOW_UP_INTENT})
# ... and, right after an answer, the off-topic intent (data/rules.yml: it may be a follow-up).
AFTER_AN_ANSWER = DECIDED | {"out_of_scope"}
SCOPE = load_scope_check()
ENTITY_TOPICS = load_entity_topics()
CONTINUATION = load_continuation()
TOPIC_FOLLOW_UPS = load_topic_follow_ups()


async def parse_all(texts: list[str], model: Path = MODEL) -> list[dict]:
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # no debug line per parsed message

    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


def outcome(parse: dict, kb: KnowledgeBase, thresholds: Thresholds) -> tuple[str | None, tuple[str, ...]]:
    """(topic slot, suggested topics) of a first turn."""
    intent = parse["intent"]["name"]
    if intent not in kb.topics and intent not in DECIDED:
        return FIXED_TOPIC.get(intent), ()
    ranking = without_red_flags([(r["name"], r["confidence"]) for r in parse["intent_ranking"]])
    entities = parse.get("entities") or []
    named = [e["value"] for e in entities if e["entity"] == "massage_type"]
    condition = next((e["value"] for e in entities if e["entity"] == "health_condition"), None)
    decision = decide(ranking, kb.topics, thresholds, word_count(parse["text"]), scope=SCOPE.check(parse["text"]))
    # A first turn: no previous answer, so no condition or type is carried (carried_entity).
    result = resolve(decision, kb, massage_types=named, condition=condition)
    return result.topic, tuple(topic for topic, _ in result.options)


def results(examples: list[Example], parses: list[dict], kb: KnowledgeBase, thresholds: Thresholds) -> list[Result]:
    out = []
    for example, parse in zip(examples, parses, strict=True):
        got, suggested = outcome(parse, kb, thresholds)
        out.append(Result(example.text, example.topic, got, suggested=suggested))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--blind", action="store_true", help="the blind set (check only)")
    parser.add_argument("--model", type=Path, default=MODEL)
    args = parser.parse_args()
    examples = load_blind()[0] if args.blind else load_heldout()
    kb = load_knowledge_base()
    parses = asyncio.run(parse_all([e.text for e in examples], args.model))
    chosen = load_thresholds()
    print(
        f"{len(examples)} messages. Chosen (knowledge/clarify.yml): min_confidence {chosen.min_confidence}, "
        f"min_margin {chosen.min_margin}"
    )
    print(
        f"{'min_conf':>8} {'margin':>6}  {'accuracy':>8} {'answered acc':>12} {'clarify rate':>12} {'right among':>11}"
    )
    for min_conf, margin in itertools.product((0.0, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5), (0.0, 0.05, 0.1, 0.15, 0.2, 0.3)):
        th = replace(chosen, min_confidence=min_conf, min_margin=margin)
        rs = results(examples, parses, kb, th)
        answered = [r for r in rs if r.got != "clarify"]
        clarified = [r for r in rs if r.clarified]
        mark = " <- chosen" if (min_conf, margin) == (chosen.min_confidence, chosen.min_margin) else ""
        print(
            f"{min_conf:8.2f} {margin:6.2f}  {sum(r.right for r in rs) / len(rs):8.3f} "
            f"{sum(r.right for r in answered) / max(len(answered), 1):12.3f} {len(clarified) / len(rs):12.3f} "
            f"{sum(r.offered_right for r in clarified) / max(len(clarified), 1):11.2f}{mark}"
        )
    # Follow-ups: how often a previous topic would wrongly take over a new, unrelated question.
    print(
        "\nFollow-up rule, cost: a held-out message read after an answer on another topic "
        "(every other knowledge topic in turn) is wrongly kept on that topic:"
    )
    for max_words, share in itertools.product((8, 10, 12, 15), (0.2, 0.3, 0.5)):
        th = replace(chosen, follow_up_max_words=max_words, follow_up_min_share=share)
        kept = total = 0
        for example, parse in zip(examples, parses, strict=True):
            # (an off-topic reading right after an answer reaches the decision too: data/rules.yml)
            if parse["intent"]["name"] not in kb.topics and parse["intent"]["name"] not in AFTER_AN_ANSWER:
                continue
            ranking = without_red_flags([(r["name"], r["confidence"]) for r in parse["intent_ranking"]])
            words, scope = word_count(parse["text"]), SCOPE.check(parse["text"])
            named = {ENTITY_TOPICS[e["entity"]] for e in parse.get("entities") or [] if e["entity"] in ENTITY_TOPICS}
            continues = CONTINUATION.continues(parse["text"])
            adds_case = CONTINUATION.opens_with_a_case(parse["text"])
            names_domain = not reads_the_domain(words, th, adds_case) or SCOPE.names_the_domain(parse["text"])
            for previous in kb.topics:
                if previous == example.topic:
                    continue
                total += 1
                d = decide(
                    ranking,
                    kb.topics,
                    th,
                    words,
                    previous_topic=previous,
                    scope=scope,
                    entity_topics=named,
                    continues=continues,
                    requests=CONTINUATION.requests,
                    by_topic=follow_up_reading(TOPIC_FOLLOW_UPS, parse["text"], previous),
                    names_domain=names_domain,
                    adds_case=adds_case,
                )
                kept += d.kind == "answer" and d.topic == previous
        mark = " <- chosen" if (max_words, share) == (chosen.follow_up_max_words, chosen.follow_up_min_share) else ""
        print(f"  max_words {max_words:2d}, min_share {share:.1f}: {ratio(kept, total)}{mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
