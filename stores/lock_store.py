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

3. Redis keeps locks in memory only: after a restart the lock of a conversation whose turn
   is running is gone, ticket numbers start again at 0, and a waiting turn and a new one
   can hold the same number and run at once (issue 17).

This store keeps Rasa's ticket lock, key names and settings, and
1. makes every read-change-write one Redis transaction (WATCH, then MULTI/EXEC, redone
   if another server changed the key in between);
2. renews a waiting ticket each time its server checks the queue, so a ticket's
   lifetime counts from the start of its turn. A dead server's tickets, renewed by
   nobody, still expire;
3. gives each ticket its owner's random token (kept beside the tickets, under "owners")
   and a number that does not start again at 0 (a queue starts at the time in
   microseconds). A turn runs only when the ticket first in the queue is its own, number
   and token. While a turn runs, its server puts its ticket back at the front if Redis
   lost it (every HOLD_SECONDS); a waiting turn whose ticket was lost queues again. When
   Redis (re)starts empty, the first ticket drawn sets a `started:<prefix>` key, and no
   turn starts for RESTART_FENCE_SECONDS after it: time for every running turn to put its
   ticket back.

Configure it in endpoints.yml as `type: stores.lock_store.AtomicRedisLockStore` with
the same keys as `type: redis`. Written against Rasa 3.6.21 (it overrides the private
_acquire_lock).
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from typing import Any, Callable, Dict, Optional, Text, TypeVar

from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")
Owners = Dict[str, Text]  # ticket number (as text) -> its owner's token

HOLD_SECONDS = 0.5
RESTART_FENCE_SECONDS = 1.5


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        # Rasa builds a lock store named by module path from its endpoint config.
        super().__init__(host=endpoint_config.url or "localhost", **endpoint_config.kwargs)
        self._lifetimes: dict[tuple[Text, int], float] = {}  # this server's tickets
        self._tokens: dict[tuple[Text, int], Text] = {}
        self._holders: dict[tuple[Text, int], asyncio.Task] = {}
        self._replaced: dict[tuple[Text, int], int] = {}  # a lost waiting ticket's new number
        # Outside the locks' key space ("<prefix>lock:<conversation id>"): no sender id can name it.
        self._started_key = f"started:{self.key_prefix}"

    def _change(self, conversation_id: Text, change: Callable[[TicketLock, Owners], T]) -> T:
        """Apply ``change`` to the stored lock (an empty one if none) and its owners, then
        drop expired tickets, in one transaction; a lock left without tickets is deleted."""
        key = self.key_prefix + conversation_id
        result: list[T] = []

        def apply(pipe: Any) -> None:
            result.clear()
            stored = pipe.get(key)  # watched: EXEC fails if anyone changes the key now
            data = json.loads(stored) if stored else {}
            lock = TicketLock.from_dict(data) if stored else self.create_lock(conversation_id)
            owners: Owners = dict(data.get("owners", {}))
            result.append(change(lock, owners))
            lock.remove_expired_tickets()
            pipe.multi()
            if lock.tickets:
                numbers = {str(t.number) for t in lock.tickets}
                kept = {n: token for n, token in owners.items() if n in numbers}
                pipe.set(key, json.dumps({**json.loads(lock.dumps()), "owners": kept}))
            else:
                pipe.delete(key)

        self.red.transaction(apply, key)
        return result[0]

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        token = secrets.token_hex(8)
        try:
            self.red.set(self._started_key, repr(time.time()), nx=True)  # Redis came up: if nobody said yet
            ticket = self._change(conversation_id, lambda lock, owners: _join(lock, owners, token, lock_lifetime))
        except Exception as exc:  # Rasa's contract: any failure is a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{exc}") from exc
        self._lifetimes[(conversation_id, ticket)] = lock_lifetime
        self._tokens[(conversation_id, ticket)] = token
        return ticket

    def _restarted_since(self, moment: float) -> bool:
        started = self.red.get(self._started_key)
        return started is None or float(started) > moment

    def _fenced(self) -> bool:
        """True in the first RESTART_FENCE_SECONDS after Redis lost its keys (or first ran)."""
        now = time.time()
        self.red.set(self._started_key, repr(now), nx=True)
        started = float(self.red.get(self._started_key) or now)
        return now - started < RESTART_FENCE_SECONDS

    async def _acquire_lock(self, conversation_id: Text, ticket: int, wait_time_in_seconds: float) -> TicketLock:
        key = (conversation_id, ticket)
        lifetime = self._lifetimes.get(key, LOCK_LIFETIME)
        token = self._tokens.get(key, "")
        current = [ticket]  # a waiting ticket Redis lost is replaced by a new one

        waiting_since = time.time()

        def renew(lock: TicketLock, owners: Owners) -> Optional[TicketLock]:
            mine = next(
                (t for t in lock.tickets if t.number == current[0] and owners.get(str(t.number)) == token), None
            )
            if mine is None and self._restarted_since(waiting_since):
                current[0] = _join(lock, owners, token, lifetime)  # Redis lost it: queue again
                return lock
            if mine is None or mine.has_expired():
                return None
            mine.expires = time.time() + lifetime
            return lock

        while True:
            lock = self._change(conversation_id, renew)
            if lock is None:  # this server stalled for longer than the lifetime
                raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
            if not lock.is_locked(current[0]) and not self._fenced():
                break
            await asyncio.sleep(min(wait_time_in_seconds, HOLD_SECONDS))
        if current[0] != ticket:  # cleanup (by Rasa, with the first number) must find it
            self._tokens[(conversation_id, current[0])] = token
            self._lifetimes[(conversation_id, current[0])] = lifetime
            self._replaced[key] = current[0]
        self._holders[key] = asyncio.get_running_loop().create_task(
            self._hold(conversation_id, current[0], token, lifetime)
        )
        return lock

    async def _hold(self, conversation_id: Text, ticket: int, token: Text, lifetime: float) -> None:
        """While the turn runs: if Redis lost its ticket, put it back at the front."""
        ends = time.time() + lifetime

        def front(lock: TicketLock, owners: Owners) -> None:
            if owners.get(str(ticket)) != token:
                lock.tickets = type(lock.tickets)(t for t in lock.tickets if t.number != ticket)
                lock.tickets.appendleft(Ticket(ticket, ends))
                owners[str(ticket)] = token

        while time.time() < ends:
            await asyncio.sleep(HOLD_SECONDS)
            try:
                self._change(conversation_id, front)
            except Exception:  # noqa: BLE001 - Redis down: try again
                continue

    def update_lock(self, conversation_id: Text) -> None:
        self._change(conversation_id, lambda lock, owners: None)  # expired tickets go in _change

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        token = self._tokens.get((conversation_id, ticket_number))

        def remove(lock: TicketLock, owners: Owners) -> None:
            if token is None or owners.get(str(ticket_number)) in (token, None):
                lock.remove_ticket_for(ticket_number)

        self._change(conversation_id, remove)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        # Rasa removes the ticket, then deletes the lock if it looks empty: two steps
        # between which another server's new ticket could be deleted. Here it is one.
        key = (conversation_id, ticket_number)
        holder = self._holders.pop(key, None)
        if holder is not None:
            holder.cancel()
        ticket_number = self._replaced.pop(key, ticket_number)
        try:
            self.finish_serving(conversation_id, ticket_number)
        finally:
            for done in {key, (conversation_id, ticket_number)}:
                self._lifetimes.pop(done, None)
                self._tokens.pop(done, None)


def _join(lock: TicketLock, owners: Owners, token: Text, lifetime: float) -> int:
    """A new ticket for ``token`` at the back of the queue. An empty queue starts at the
    time in microseconds, so numbers do not start again at 0 after Redis restarts."""
    lock.remove_expired_tickets()
    number = lock.last_issued + 1 if lock.tickets else int(time.time() * 1_000_000)
    lock.tickets.append(Ticket(number, time.time() + lifetime))
    owners[str(number)] = token
    return number
