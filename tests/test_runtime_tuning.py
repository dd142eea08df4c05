"""The per-turn fixes in components/runtime_tuning keep Rasa's behaviour."""
from __future__ import annotations

import asyncio
from pathlib import Path

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core import events
from rasa.shared.utils.common import all_subclasses

import components  # noqa: F401  (applies the tuning)

ACTION = RemoteAction("action_answer", None)


def test_valid_action_responses_pass() -> None:
    result = {"events": [{"event": "slot", "name": "topic", "value": "effectiveness"}],
              "responses": [{"text": "hello", "buttons": []}]}
    assert ACTION._validate_action_result(result)


@pytest.mark.parametrize("result", [
    {"events": [{"name": "topic"}]},  # an event without its type
    {"events": "not a list"},
    {"responses": ["not an object"]},
])
def test_malformed_action_responses_are_still_rejected(result) -> None:
    with pytest.raises(jsonschema.ValidationError):
        ACTION._validate_action_result(result)


def test_every_event_type_resolves_to_the_class_rasa_would_pick() -> None:
    for cls in all_subclasses(events.Event):
        first = next(c for c in all_subclasses(events.Event) if c.type_name == cls.type_name)
        assert events.Event.resolve_by_type(cls.type_name) is first
    assert events.Event.resolve_by_type("no-such-event", default=events.UserUttered) is events.UserUttered
    with pytest.raises(ValueError):
        events.Event.resolve_by_type("no-such-event")


def test_skops_finds_the_same_type_names_as_its_own_search(monkeypatch) -> None:
    import numpy as np
    import scipy.special
    from skops.io import _trusted_types, _utils

    assert hasattr(_utils.whichmodule, "slow"), "skops was imported before the tuning"
    monkeypatch.setattr(_utils, "whichmodule", _utils.whichmodule.slow)
    assert _trusted_types.NUMPY_UFUNC_TYPE_NAMES == _utils.get_public_type_names(module=np, oftype=np.ufunc)
    assert _trusted_types.SCIPY_UFUNC_TYPE_NAMES == _utils.get_public_type_names(
        module=scipy.special, oftype=np.ufunc)


def test_the_direct_graph_runner_gives_dasks_results() -> None:
    """Parses with the trained model through both runners: same intents, confidences, entities."""
    import rasa.engine.runner.dask as dask_runner
    from rasa.core.agent import Agent

    from components.runtime_tuning import DASK_RUN, _run_graph

    model = Path(__file__).resolve().parent.parent / "models" / "backcare.tar.gz"
    assert model.exists(), "run `make train` (make test does it for you)"
    agent = Agent.load(str(model))
    messages = ["does massage help?", "is deep tissue safe in pregnancy", "I can't feel my legs and my back hurts",
                "no", "what's your source?", "¿ayuda el masaje?", "book me a swedish massage for saturday"]

    def parse_all() -> list:
        return [asyncio.run(agent.parse_message(m)) for m in messages]

    assert dask_runner.DaskGraphRunner.run is _run_graph and DASK_RUN is not _run_graph
    direct = parse_all()
    try:
        dask_runner.DaskGraphRunner.run = DASK_RUN
        through_dask = parse_all()
    finally:
        dask_runner.DaskGraphRunner.run = _run_graph
    assert [(p["intent"], p["entities"]) for p in direct] == [(p["intent"], p["entities"]) for p in through_dask]
