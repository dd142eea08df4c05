"""What deleting a conversation from the chat means, shared by the tracker store (which
deletes it), the socket.io channel (which tells the widget to forget its copy) and the
tests. The dialogue itself (ask, confirm, say it is done) is in domain.yml and
data/rules.yml."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

# Sending this response in a turn is what deletes the conversation: the turn that says
# "Done: I deleted this conversation" is never saved, and everything stored before it is
# removed (stores/forgetting.py). Nothing else can delete a conversation from the chat.
CONVERSATION_DELETED = "utter_conversation_deleted"
# The flag the widget receives with that message (web/chat.js).
WIDGET_FORGET_FLAG = "forgetSession"


def deletes_conversation(events: Iterable[Any]) -> bool:
    """True if the bot ran CONVERSATION_DELETED since the latest user message.

    ``events`` are Rasa events (objects with ``type_name``) in time order, oldest first.
    """
    for event in reversed(list(events)):
        if event.type_name == "user":
            return False
        if event.type_name == "action" and getattr(event, "action_name", None) == CONVERSATION_DELETED:
            return True
    return False


def is_deletion_message(message: Mapping[str, Any]) -> bool:
    """True for the bot message that says the conversation was deleted (an output
    channel's keyword arguments: Rasa passes the response name as ``utter_action``)."""
    return message.get("utter_action") == CONVERSATION_DELETED
