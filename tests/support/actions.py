"""Running a custom action as the action server does: a rasa_sdk Tracker built from one user
message, a CollectingDispatcher for the replies."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


def tracker(intent: str, text: str = "question", entities: list[dict] | None = None,
            slots: dict[str, Any] | None = None, channel: str = "rest") -> Tracker:
    entities = entities or []
    message = {"intent": {"name": intent, "confidence": 0.9}, "entities": entities, "text": text}
    events = [{"event": "user", "text": text, "parse_data": message, "input_channel": channel}]
    return Tracker("tester", slots or {}, message, events, False, None, {}, "action_listen")


def entity(name: str, value: str) -> dict:
    return {"entity": name, "value": value, "start": 0, "end": 1}


def run(action, t: Tracker) -> tuple[list[dict], dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, t, {})
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e["event"] == "slot"}
