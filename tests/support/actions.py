"""Running a custom action as the action server does: a rasa_sdk Tracker built from one user
message, a CollectingDispatcher for the replies."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher


def tracker(
    intent: str,
    text: str = "question",
    entities: list[dict] | None = None,
    slots: dict[str, Any] | None = None,
    channel: str = "rest",
    previous_topic: str | None = None,
) -> Tracker:
    """``previous_topic``: the `topic` slot the previous answer set, before this message."""
    entities = entities or []
    message = {"intent": {"name": intent, "confidence": 0.9}, "entities": entities, "text": text}
    events: list[dict[str, Any]] = []
    if previous_topic is not None:
        events.append({"event": "slot", "timestamp": None, "name": "topic", "value": previous_topic})
    events.append({"event": "user", "text": text, "parse_data": message, "input_channel": channel})
    slots = {**({"topic": previous_topic} if previous_topic else {}), **(slots or {})}
    return Tracker("tester", slots, message, events, False, None, {}, "action_listen")


def entity(name: str, value: str) -> dict:
    return {"entity": name, "value": value, "start": 0, "end": 1}


def run(action: Action, t: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The replies the action sends and every event it returns, in order."""
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, t, {})
    return dispatcher.messages, list(events)


def only_reply(messages: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """The text and buttons of the one message the action sent, which carries nothing else."""
    assert len(messages) == 1, messages
    message = dict(messages[0])
    text, buttons = message.pop("text"), message.pop("buttons")
    assert message == {
        "elements": [],
        "custom": {},
        "template": None,
        "response": None,
        "image": None,
        "attachment": None,
    }
    return text, buttons


def feedback_buttons(topic: str) -> list[dict[str, str]]:
    """The yes/no buttons under a knowledge-base answer, rating ``topic``."""
    return [
        {"title": "Yes, that helped", "payload": f'/feedback_helpful{{"rated_topic": "{topic}"}}'},
        {"title": "No, it didn't", "payload": f'/feedback_not_helpful{{"rated_topic": "{topic}"}}'},
    ]


def slot(name: str, value: object) -> dict[str, object]:
    """A SlotSet event as an action returns it."""
    return {"event": "slot", "timestamp": None, "name": name, "value": value}


def choices(intent: str, entity_name: str, titles: dict[str, str]) -> list[dict[str, str]]:
    """Buttons that ask ``intent`` again with one value of ``entity_name`` each."""
    return [{"title": title, "payload": f'/{intent}{{"{entity_name}": "{key}"}}'} for key, title in titles.items()]


# The pick lists under a question about a condition or a massage type that names none.
CONDITION_CHOICES = choices(
    "condition_advice",
    "health_condition",
    {
        "pregnancy": "Pregnancy",
        "osteoporosis": "Osteoporosis",
        "blood_clot": "A blood clot (DVT)",
        "blood_thinners": "Blood thinners",
        "recent_surgery": "Recent surgery",
        "fracture": "A fracture",
        "cancer": "Cancer",
        "herniated_disc": "A herniated (slipped) disc",
        "sciatica": "Sciatica",
        "spinal_stenosis": "Spinal stenosis",
        "skin_infection": "A skin infection",
        "arthritis": "Arthritis",
    },
)
MASSAGE_TYPE_CHOICES = choices(
    "massage_type_detail",
    "massage_type",
    {
        "swedish": "Swedish massage",
        "deep_tissue": "Deep tissue massage",
        "trigger_point": "Trigger point therapy",
        "myofascial_release": "Myofascial release",
        "neuromuscular": "Neuromuscular therapy",
        "shiatsu": "Shiatsu",
        "thai": "Thai massage",
        "hot_stone": "Hot stone massage",
        "sports": "Sports massage",
        "reflexology": "Reflexology",
    },
)
