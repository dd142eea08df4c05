"""Held-out messages (tests/data/heldout, never trained on) through the running bot."""
from __future__ import annotations

from scripts.eval_bot import measure
from tests.e2e.conftest import TOKEN

TARGET = 0.95


def test_heldout_topic_and_entity_slot_accuracy(servers) -> None:
    topic_accuracy, entity_accuracy, misses = measure(servers, TOKEN)
    print(f"\nheld-out topic accuracy {topic_accuracy:.3f}, entity-slot accuracy {entity_accuracy:.3f}")
    assert topic_accuracy >= TARGET, misses
    assert entity_accuracy >= TARGET, misses
