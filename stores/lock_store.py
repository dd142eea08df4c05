"""Rasa's Redis lock store, made safe for several Rasa servers sharing one Redis.

Rasa 3.6's RedisLockStore keeps a conversation's queue of tickets in one Redis key. Two
things go wrong when several servers take turns of one conversation:

1. Every change is a read, a change in Python and a write back (GET, then SET or DEL).
   Two servers doing that at the same moment overwrite each other: both draw the same
   ticket and run their turns at once (the later save then drops part of a turn), or a
   ticket disappears or comes back. The scale test saw messages lost in 2-4 of 16
   conversations whose messages arrived in bursts.
2. A waiting ticket expires TICKET_LOCK_LIFETIME after it joined the queue, however
   long it waited. After a server is killed mid-turn, nginx re-sends the message to
   another server, whose ticket queues behind the dead server's ticket drawn a moment
   earlier. Both expire within that moment; unless the waiter (checking once a second)
   looks in between, it finds its own ticket gone too, and waits until the channel
   gives up after 10 s (the scale test: still waiting after three lifetimes).

This store keeps Rasa's ticket lock, key names and settings, and
1. makes every read-change-write one Redis transaction (WATCH, then MULTI/EXEC, redone
   if another server changed the key in between);
2. renews a waiting ticket each time its server checks the queue, so a ticket's
   lifetime counts from the start of its turn. A dead server's tickets, renewed by
   nobody, still expire.

Configure it in endpoints.yml as `type: stores.lock_store.AtomicRedisLockStore` with
the same keys as `type: redis`. Written against Rasa 3.6.21 (it overrides the private
_acquire_lock).
"""
from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Callable, Optional, Text, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        # Rasa builds a lock store named by module path from its endpoint config.
        super().__init__(host=endpoint_config.url or "localhost", **endpoint_config.kwargs)
        self._lifetimes: dict[tuple[Text, int], float] = {}  # this server's tickets

    def _change(self, conversation_id: Text, change: Callable[[TicketLock], T]) -> T:
        """Apply ``change`` to the stored lock (an empty one if none), then drop expired
        tickets, in one transaction; a lock left without tickets is deleted."""
        key = self.key_prefix + conversation_id
        result: list[T] = []

        def apply(pipe: Any) -> None:
            result.clear()
            stored = pipe.get(key)  # watched: EXEC fails if anyone changes the key now
            lock = (TicketLock.from_dict(json.loads(stored)) if stored
                    else self.create_lock(conversation_id))
            result.append(change(lock))
            lock.remove_expired_tickets()
            pipe.multi()
            if lock.tickets:
                pipe.set(key, lock.dumps())
            else:
                pipe.delete(key)

        self.red.transaction(apply, key)
        return result[0]

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            ticket = self._change(conversation_id, lambda lock: lock.issue_ticket(lock_lifetime))
        except Exception as exc:  # noqa: BLE001 - Rasa's contract: any failure is a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{exc}") from exc
        self._lifetimes[(conversation_id, ticket)] = lock_lifetime
        return ticket

    async def _acquire_lock(self, conversation_id: Text, ticket: int,
                            wait_time_in_seconds: float) -> TicketLock:
        lifetime = self._lifetimes.get((conversation_id, ticket), LOCK_LIFETIME)

        def renew(lock: TicketLock) -> Optional[TicketLock]:
            mine = next((t for t in lock.tickets if t.number == ticket), None)
            if mine is None or mine.has_expired():
                return None
            mine.expires = time.time() + lifetime
            return lock

        while True:
            lock = self._change(conversation_id, renew)
            if lock is None:  # this server stalled for longer than the lifetime
                raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
            if not lock.is_locked(ticket):
                return lock
            await asyncio.sleep(wait_time_in_seconds)

    def update_lock(self, conversation_id: Text) -> None:
        self._change(conversation_id, lambda lock: None)  # expired tickets go in _change

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        self._change(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number))

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        # Rasa removes the ticket, then deletes the lock if it looks empty: two steps
        # between which another server's new ticket could be deleted. Here it is one.
        self._lifetimes.pop((conversation_id, ticket_number), None)
        self.finish_serving(conversation_id, ticket_number)
