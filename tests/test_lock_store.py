"""The production lock store (bot/rasa_lock_store.py) on the machine's real Redis: many clients changing one
conversation's ticket queue at once keep it exact, one message at a time in order, and waits longer than a ticket's
lifetime end (a manual clock walks through them; every wait below is a bounded wait for a condition)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from typing import Callable

import pytest
import redis
from rasa.core.lock_store import LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

from bot.rasa_lock_store import AtomicRedisLockStore

REDIS = {"host": "127.0.0.1", "port": 6379, "db": 2}
LIFETIME = 60.0
BOUND = 20.0  # seconds: the longest any condition below may take to come true


class Clock:
    """The lock store's clock, moved only by the test."""

    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def prefix() -> str:
    return "t" + uuid.uuid4().hex[:12]  # Rasa accepts only an alphanumeric key prefix


def _store(prefix: str, clock: Callable[[], float] = time.time, **options: float) -> AtomicRedisLockStore:
    return AtomicRedisLockStore(key_prefix=prefix, clock=clock, lifetime=LIFETIME, poll_seconds=0.002,
                                keep_alive_seconds=0.002, **{**REDIS, **options})  # type: ignore[arg-type]


def _queue(prefix: str, conversation: str) -> list[dict[str, float]]:
    raw = redis.Redis(**REDIS).get(f"{prefix}:lock:{conversation}")  # type: ignore[arg-type]
    return [json.loads(ticket) for ticket in json.loads(raw)["tickets"]] if raw else []


async def _until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + BOUND
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        await asyncio.sleep(0.002)


def _in_threads(count: int, work: Callable[[int], None]) -> None:
    """Run `work(i)` in `count` threads released at once; re-raise the first failure."""
    start = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            start.wait(timeout=BOUND)
            work(index)
        except BaseException as error:  # noqa: BLE001 - handed to the test thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors[0]


def test_tickets_issued_at_once_by_many_processes_are_all_kept_with_distinct_numbers(prefix: str) -> None:
    stores = [_store(prefix) for _ in range(8)]  # one connection pool each, as separate Rasa processes have
    issued: list[list[int]] = [[] for _ in stores]
    _in_threads(len(stores), lambda i: issued[i].extend(stores[i].issue_ticket("c") for _ in range(40)))
    numbers = sorted(n for mine in issued for n in mine)
    assert numbers == list(range(1, 321))  # none issued twice, none skipped
    assert [ticket["number"] for ticket in _queue(prefix, "c")] == numbers  # and none lost from the queue
    for mine in issued:
        assert mine == sorted(mine)


def test_a_finished_ticket_never_comes_back_while_waiters_look_at_the_queue(prefix: str) -> None:
    """Rasa's waiters rewrote the whole queue every second; one read before a holder finished and written after it
    brought the finished ticket back, and the queue then waited behind it."""
    holders = [_store(prefix) for _ in range(3)]
    lookers = [_store(prefix) for _ in range(3)]
    finished = threading.Event()
    holders_left = [len(holders)]
    count_lock = threading.Lock()

    def work(index: int) -> None:
        if index < len(holders):
            for _ in range(150):
                ticket = holders[index].issue_ticket("c")
                holders[index].cleanup("c", ticket)
            with count_lock:
                holders_left[0] -= 1
                if holders_left[0] == 0:
                    finished.set()
        else:
            store = lookers[index - len(holders)]
            while not finished.is_set():
                store.update_lock("c")

    _in_threads(len(holders) + len(lookers), work)
    assert finished.is_set()
    assert _queue(prefix, "c") == []
    assert not redis.Redis(**REDIS).exists(f"{prefix}:lock:c")  # type: ignore[arg-type]


def test_messages_of_one_conversation_on_three_processes_are_served_one_at_a_time_in_order(prefix: str) -> None:
    stores = [_store(prefix) for _ in range(3)]
    inside: list[int] = []
    served: list[int] = []

    async def message(index: int) -> None:
        async with stores[index % 3].lock("c"):
            inside.append(index)
            assert len(inside) == 1, "two messages of one conversation at once"
            await asyncio.sleep(0)  # let the others look at the queue while this one holds it
            served.append(index)
            inside.remove(index)

    async def scenario() -> None:
        tasks = []
        for index in range(12):
            tasks.append(asyncio.create_task(message(index)))
            # the next message only once this one holds a ticket or was served: the order of arrival is known
            await _until(lambda arrived=index + 1: len(_queue(prefix, "c")) + len(served) >= arrived)
        await asyncio.wait_for(asyncio.gather(*tasks), BOUND)

    asyncio.run(scenario())
    assert served == list(range(12))
    assert _queue(prefix, "c") == []


def test_a_turn_longer_than_the_ticket_lifetime_keeps_the_lock_and_the_next_message_still_gets_it(
        prefix: str) -> None:
    """Rasa's tickets expired a lifetime after issue: the waiter then waited forever, or the holder lost its lock.
    Here the holder's keeper and the waiter's looks keep both alive through three lifetimes."""
    clock = Clock()
    store = _store(prefix, clock)
    events: list[str] = []

    async def second() -> None:
        async with store.lock("c"):
            events.append("second in")

    def refreshed() -> bool:
        queue = _queue(prefix, "c")
        return (len(queue) == 2 and queue[0]["expires"] == clock.now + LIFETIME
                and queue[1]["expires"] >= clock.now + LIFETIME / 2)

    async def scenario() -> None:
        async with store.lock("c"):
            waiting = asyncio.create_task(second())
            await _until(lambda: len(_queue(prefix, "c")) == 2)
            for _ in range(12):  # three lifetimes, a quarter at a time
                clock.advance(LIFETIME / 4)
                await _until(refreshed)
                assert events == [] and not waiting.done()
            events.append("first out")
        await asyncio.wait_for(waiting, BOUND)

    asyncio.run(scenario())
    assert events == ["first out", "second in"]
    assert _queue(prefix, "c") == []


def test_the_ticket_of_a_process_that_died_expires_after_its_lifetime_and_the_next_message_is_served(
        prefix: str) -> None:
    clock = Clock()
    store = _store(prefix, clock)
    dead = store.issue_ticket("c")  # its process was killed: nobody refreshes it

    async def scenario() -> None:
        entered = asyncio.Event()

        async def message() -> None:
            async with store.lock("c"):
                entered.set()

        waiting = asyncio.create_task(message())
        await _until(lambda: len(_queue(prefix, "c")) == 2)
        clock.advance(LIFETIME - 1)
        # the waiter looked since (its own ticket, past half its life, was refreshed) and still waits
        await _until(lambda: _queue(prefix, "c")[-1]["expires"] == clock.now + LIFETIME)
        assert _queue(prefix, "c")[0]["number"] == dead and not entered.is_set()
        clock.advance(2)
        await asyncio.wait_for(waiting, BOUND)
        assert entered.is_set()

    asyncio.run(scenario())
    assert _queue(prefix, "c") == []


def test_a_waiter_whose_ticket_vanished_queues_again_instead_of_waiting_forever(prefix: str) -> None:
    clock = Clock()
    store = _store(prefix, clock)
    key = f"{prefix}:lock:c"
    client = redis.Redis(**REDIS)  # type: ignore[arg-type]

    async def scenario() -> None:
        served: list[str] = []

        async def waiter() -> None:
            async with store.lock("c"):
                served.append("waiter")

        async with store.lock("c"):
            waiting = asyncio.create_task(waiter())
            await _until(lambda: len(_queue(prefix, "c")) == 2)
            lock = json.loads(client.get(key))  # type: ignore[arg-type]
            lock["tickets"] = lock["tickets"][:1]  # the waiter's ticket is gone (say, Redis lost a write)
            client.set(key, json.dumps(lock))
            await _until(lambda: [t["number"] for t in _queue(prefix, "c")] == [1, 2])  # issued again
            served.append("holder")
        await asyncio.wait_for(waiting, BOUND)
        assert served == ["holder", "waiter"]

    asyncio.run(scenario())
    assert _queue(prefix, "c") == []


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_redis_down_is_a_lock_error_as_with_rasas_store(prefix: str) -> None:
    store = AtomicRedisLockStore(key_prefix=prefix, host="127.0.0.1", port=_closed_port(), socket_timeout=2)
    with pytest.raises(LockError):
        store.issue_ticket("c")

    async def enter() -> None:
        async with store.lock("c"):
            raise AssertionError("entered without Redis")

    with pytest.raises(LockError):
        asyncio.run(enter())


def test_rasa_builds_it_from_the_production_endpoint_keys(prefix: str) -> None:
    """As deploy/endpoints.production.yml gives them: strings from the environment, an empty password when unset."""
    config = EndpointConfig.from_dict({"type": "bot.rasa_lock_store.AtomicRedisLockStore", "url": "127.0.0.1",
                                       "port": "6379", "db": "2", "password": "", "key_prefix": prefix})
    store = LockStore.create(config)
    assert isinstance(store, AtomicRedisLockStore)

    async def hold() -> None:
        async with store.lock("c"):
            assert [t["number"] for t in _queue(prefix, "c")] == [1]

    asyncio.run(hold())
    assert _queue(prefix, "c") == []

