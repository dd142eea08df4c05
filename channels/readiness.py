"""Readiness: whether the tracker store, the lock store and the action server answer.

GET /webhooks/rest/ready (on the REST channel) answers 200 when all three are reachable,
503 otherwise, with one word per part and never any conversation or message text:
{"tracker_store": "reachable", "lock_store": "in memory", "action_server": "unreachable"}.
`make run` prints the same at start-up.
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, Text

import aiohttp
import sqlalchemy as sa

REACHABLE, UNREACHABLE, IN_MEMORY, NOT_CONFIGURED = "reachable", "unreachable", "in memory", "not configured"
OK = frozenset({REACHABLE, IN_MEMORY})
CHECK_SECONDS = 2.0


def _tracker_store(agent: Any) -> Text:
    store = getattr(agent, "tracker_store", None)
    store = getattr(store, "_tracker_store", store)  # inside Rasa's FailSafeTrackerStore
    engine = getattr(store, "engine", None)
    if engine is None:
        return IN_MEMORY if store is not None and type(store).__name__ == "InMemoryTrackerStore" else UNREACHABLE
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        return REACHABLE
    except Exception:  # noqa: BLE001 - any failure means not reachable
        return UNREACHABLE


def _lock_store(agent: Any) -> Text:
    store = getattr(agent, "lock_store", None)
    red = getattr(store, "red", None)
    if red is None:
        return IN_MEMORY if store is not None else UNREACHABLE
    try:
        red.ping()
        return REACHABLE
    except Exception:  # noqa: BLE001 - any failure means not reachable
        return UNREACHABLE


async def _action_server(agent: Any) -> Text:
    endpoint = getattr(agent, "action_endpoint", None)
    url = getattr(endpoint, "url", None)
    if not url:
        return NOT_CONFIGURED
    health = url.rsplit("/webhook", 1)[0] + "/health"
    try:
        timeout = aiohttp.ClientTimeout(total=CHECK_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout) as session, session.get(health) as response:
            return REACHABLE if response.status == 200 else UNREACHABLE
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return UNREACHABLE


async def readiness(agent: Any) -> Dict[Text, Text]:
    return {
        "tracker_store": _tracker_store(agent),
        "lock_store": _lock_store(agent),
        "action_server": await _action_server(agent),
    }


def is_ready(parts: Dict[Text, Text]) -> bool:
    return (
        parts["tracker_store"] in OK
        and parts["lock_store"] in OK
        and parts["action_server"] in (REACHABLE, NOT_CONFIGURED)
    )
