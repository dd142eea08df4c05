"""The conversation lock store against the real Redis, as several Rasa servers use it:
each ticket drawn once, and a turn queued behind a crashed server's turn goes ahead."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid

from rasa.core.lock_store import LockError, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from scripts.cluster import Cluster
from stores.lock_store import AtomicRedisLockStore

TICKETS_EACH = 200


def _settings(cluster: Cluster) -> dict[str, object]:
    return {"port": cluster.redis_port, "password": cluster.redis_password, "db": 1, "key_prefix": "locktest"}


def _draw_at_once(stores: list[LockStore]) -> tuple[list[int], int]:
    """Each store (its own Redis connection, like a server) draws tickets in a thread;
    returns the tickets drawn and how many the stored lock holds."""
    conversation = uuid.uuid4().hex
    drawn: list[int] = []
    guard = threading.Lock()

    def draw(store: LockStore) -> None:
        mine = [store.issue_ticket(conversation, 60) for _ in range(TICKETS_EACH)]
        with guard:
            drawn.extend(mine)

    threads = [threading.Thread(target=draw, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lock = stores[0].get_lock(conversation)
    stores[0].delete_lock(conversation)
    return drawn, len(lock.tickets) if lock else 0


def test_every_ticket_is_drawn_once(cluster: Cluster) -> None:
    config = EndpointConfig("127.0.0.1", **_settings(cluster))
    drawn, stored = _draw_at_once([AtomicRedisLockStore(config), AtomicRedisLockStore(config)])
    assert len(set(drawn)) == len(drawn) == stored == 2 * TICKETS_EACH


def test_rasas_own_redis_lock_store_draws_tickets_twice(cluster: Cluster, report: list[str]) -> None:
    """Why deploy/endpoints.yml does not use `type: redis`."""
    stores: list[LockStore] = [RedisLockStore(host="127.0.0.1", **_settings(cluster)) for _ in range(2)]
    drawn, stored = _draw_at_once(stores)
    report.append(
        f"ticket race, Rasa's RedisLockStore: {len(drawn)} tickets drawn, "
        f"{len(drawn) - len(set(drawn))} drawn twice, {stored} kept; "
        f"AtomicRedisLockStore: none twice"
    )
    assert len(set(drawn)) < len(drawn)


async def _queue_behind_a_dead_ticket(dead: LockStore, alive: LockStore, lifetime: float) -> float:
    """Seconds until ``alive`` gets the lock behind a ticket ``dead`` never finishes."""
    conversation = uuid.uuid4().hex
    dead.issue_ticket(conversation, lifetime)  # its server was killed mid-turn
    await asyncio.sleep(0.05)  # the retry reaches the other server a moment later
    started = time.monotonic()
    try:
        async with alive.lock(conversation, lock_lifetime=lifetime):
            return time.monotonic() - started
    finally:
        alive.delete_lock(conversation)


def test_a_turn_queued_behind_a_crashed_server_goes_ahead(cluster: Cluster, report: list[str]) -> None:
    lifetime = 2.0
    config = EndpointConfig("127.0.0.1", **_settings(cluster))
    waited = asyncio.run(
        asyncio.wait_for(
            _queue_behind_a_dead_ticket(AtomicRedisLockStore(config), AtomicRedisLockStore(config), lifetime), 10
        )
    )
    stock = [RedisLockStore(host="127.0.0.1", **_settings(cluster)) for _ in range(2)]
    try:
        stock_waited = asyncio.run(
            asyncio.wait_for(_queue_behind_a_dead_ticket(stock[0], stock[1], lifetime), 3 * lifetime)
        )
        outcome = f"got it after {stock_waited:.1f} s"
    except asyncio.TimeoutError:
        outcome = f"still waiting after {3 * lifetime:.0f} s"
    except LockError:
        outcome = "LockError"
    report.append(
        f"turn queued behind a crashed server's ticket ({lifetime:.0f} s lifetime): "
        f"AtomicRedisLockStore got the lock after {waited:.1f} s; Rasa's RedisLockStore: {outcome}"
    )
    assert lifetime - 0.5 < waited < lifetime + 1.5


async def _turns_across_a_redis_restart(cluster: Cluster, store_class: type) -> tuple[list[tuple], list[str]]:
    """A turn runs while Redis restarts, one waits behind it, a new one arrives right after
    the restart: which ran at the same time, and in which order they ran."""
    make = (
        (lambda: store_class(EndpointConfig("127.0.0.1", **_settings(cluster))))
        if store_class is AtomicRedisLockStore
        else (lambda: store_class(host="127.0.0.1", **_settings(cluster)))
    )
    first, second = make(), make()
    conversation = uuid.uuid4().hex
    running: list[str] = []
    overlaps: list[tuple] = []
    order: list[str] = []

    async def turn(store: LockStore, name: str, seconds: float) -> None:
        for _ in range(20):  # Redis down for a moment: the channel's user would retry
            try:
                async with store.lock(conversation, lock_lifetime=6, wait_time_in_seconds=0.1):
                    running.append(name)
                    order.append(name)
                    if len(running) > 1:
                        overlaps.append(tuple(running))
                    await asyncio.sleep(seconds)
                    running.remove(name)
                return
            except Exception:  # noqa: BLE001 - LockError or Redis' ConnectionError
                await asyncio.sleep(0.1)

    running_turn = asyncio.create_task(turn(first, "running", 2.0))
    await asyncio.sleep(0.2)
    waiting_turn = asyncio.create_task(turn(second, "waiting", 0.3))
    await asyncio.sleep(0.3)
    await asyncio.get_running_loop().run_in_executor(None, cluster.restart_redis)
    new_turn = asyncio.create_task(turn(second, "new", 0.3))
    await asyncio.gather(running_turn, waiting_turn, new_turn)
    return overlaps, order


def test_a_redis_restart_lets_no_two_turns_of_a_conversation_run_at_once(cluster: Cluster, report: list[str]) -> None:
    overlaps, order = asyncio.run(asyncio.wait_for(_turns_across_a_redis_restart(cluster, AtomicRedisLockStore), 30))
    stock, _ = asyncio.run(asyncio.wait_for(_turns_across_a_redis_restart(cluster, RedisLockStore), 30))
    report.append(
        f"Redis restarted while a turn ran, one waited and one came right after: "
        f"AtomicRedisLockStore ran {len(overlaps)} at once (order {order}); "
        f"Rasa's RedisLockStore ran {len(stock)} at once"
    )
    assert overlaps == []
    assert sorted(order) == ["new", "running", "waiting"] and order[0] == "running"
