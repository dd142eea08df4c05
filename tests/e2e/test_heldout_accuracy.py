"""Held-out messages (tests/data/heldout and tests/data/heldout_blind, never trained on)
through the running bot."""

from __future__ import annotations

from scripts.eval_bot import measure
from scripts.eval_metrics import summarise
from scripts.heldout import load_blind, load_heldout
from tests.support.chat import TOKEN

TARGET = 0.95
MEDICINES = "medicines"


def test_heldout_topic_and_entity_slot_accuracy(servers) -> None:
    results = measure(servers, TOKEN, load_heldout())
    summary = summarise(results)
    print("\n" + "\n".join(summary.lines))
    assert summary.topic_accuracy >= TARGET, summary.lines
    entities = sum(r.entities_expected for r in results)
    assert sum(r.entities_right for r in results) >= TARGET * entities


def test_no_medicine_question_of_the_blind_set_gets_a_knowledge_answer(servers) -> None:
    cases = [c for c in load_blind()[0] if c.scope_reason == MEDICINES]
    assert len(cases) >= 30
    answered = [r.text for r in measure(servers, TOKEN, cases) if r.got not in ("out_of_scope", "red_flags", "clarify")]
    assert not answered
