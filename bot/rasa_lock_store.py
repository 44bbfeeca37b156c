"""The lock store Rasa loads in production (deploy/endpoints.production.yml
`lock_store: type: bot.rasa_lock_store.AtomicRedisLockStore`): Rasa's ticket lock, one message of a conversation at a
time across every Rasa process, kept in Redis in Rasa's own format, with two faults of Rasa 3.6's `RedisLockStore`
fixed.

1. **Read-modify-write with no transaction.** Rasa reads a conversation's ticket queue, changes it in Python and
   writes it back (issuing a ticket, every waiter's once-a-second `update_lock`, finishing a ticket, deleting the
   queue when nobody waits). With messages of one person on two processes, a waiter could write back a ticket that
   its holder had just finished (a ghost the queue then waits behind), overwrite a newly issued ticket (two messages
   with one number, handled at once), or the holder could delete the queue under a ticket issued a moment before.
   Here every change is one Redis transaction (WATCH / MULTI / EXEC, retried when the queue changed meanwhile).
2. **A wait longer than the ticket's lifetime never ends.** A ticket expires 60 s after it was issued, whether its
   holder is alive or not; a message that waited that long found its own ticket gone and then waited forever behind
   a queue that served nobody (seen once in the production topology test: messages 2-7 of one sender never
   answered). Here a live holder keeps its ticket alive (the waiter at each look, the holder in the background while
   Rasa works on its turn), so a ticket expires only when its process is gone (killed, stalled past the lifetime);
   and a waiter whose ticket did go takes a new one instead of waiting forever — late, but not lost.

A waiter also looks every `HELPLINE_LOCK_POLL_SECONDS` (default 0.05 s) instead of Rasa's 1 s: the next message of
a conversation starts at most that long after the previous one ends. A look is one GET; it writes only when the
ticket needs refreshing or an expired ticket must go.

Written for Rasa 3.6.21: the public methods keep `LockStore`'s names and meanings; tests/test_lock_store.py checks
the queue's invariants against a real Redis with many clients at once, and the waits with a manual clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import deque
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Callable, TypeVar

import redis
from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.settings import get_settings

logger = logging.getLogger(__name__)

Result = TypeVar("Result")
# What a change of the queue returns: the queue to write (None or no tickets: delete the key) and the caller's result.
Change = Callable[[TicketLock | None, float], tuple[TicketLock | None, Result]]
# What a waiter sees: whether its ticket is still in the queue, and the number of the ticket served now.
Look = tuple[bool, int | None]


def _live(lock: TicketLock, now: float) -> TicketLock:
    """The queue without expired tickets, by the store's clock (TicketLock's own methods read time.time())."""
    return TicketLock(lock.conversation_id, deque(t for t in lock.tickets if t.expires >= now))


def _serving(lock: TicketLock | None) -> int | None:
    """The number of the ticket at the head of the queue."""
    return lock.tickets[0].number if lock is not None and lock.tickets else None


def _find(lock: TicketLock | None, number: int) -> Ticket | None:
    return next((t for t in lock.tickets if t.number == number), None) if lock is not None else None


class AtomicRedisLockStore(RedisLockStore):
    """Rasa's Redis ticket lock, changed only by Redis transactions, with tickets kept alive by their holders."""

    def __init__(
        self,
        endpoint_config: EndpointConfig | None = None,
        *,
        clock: Callable[[], float] = time.time,
        lifetime: float = LOCK_LIFETIME,
        poll_seconds: float | None = None,
        keep_alive_seconds: float | None = None,
        **redis_options: Any,
    ) -> None:
        """Rasa builds it as `Class(endpoint_config=...)` from endpoints.yml (url, port, db, password, key_prefix as
        for `type: redis`); tests pass the Redis options, a manual clock and short intervals directly."""
        options = dict(redis_options)
        if endpoint_config is not None:
            options = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **options}
        if options.get("password") == "":
            options["password"] = None  # deploy/endpoints.production.yml: an unset password is an empty variable
        super().__init__(**options)
        self._clock = clock
        self.lifetime = float(lifetime)
        self.poll_seconds = poll_seconds if poll_seconds is not None else get_settings().lock_poll_seconds
        # Refreshed three times per lifetime: a holder that misses one refresh (a busy event loop) keeps its ticket.
        self.keep_alive_seconds = keep_alive_seconds if keep_alive_seconds is not None else self.lifetime / 3

    # -- one transaction per change of a queue ------------------------------------------------------------------

    def _change(self, conversation_id: str, change: Change[Result]) -> Result:
        """Apply `change` to the conversation's queue (expired tickets already dropped) atomically: if another
        client changes the key between our read and our write, Redis refuses the write and we start again."""
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    now = self._clock()
                    current = _live(TicketLock.from_dict(json.loads(raw)), now) if raw else None
                    if current is not None:
                        current.conversation_id = conversation_id
                    new, result = change(current, now)
                    pipe.multi()
                    if new is None or not new.tickets:
                        pipe.delete(key)
                    else:
                        pipe.set(key, new.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """A ticket at the back of the conversation's queue; its number is one more than the last one issued."""
        del lock_lifetime  # the store's own lifetime: the holder keeps the ticket alive, see `keep_alive`

        def issue(lock: TicketLock | None, now: float) -> tuple[TicketLock, int]:
            lock = lock if lock is not None else TicketLock(conversation_id)
            number = (lock.tickets[-1].number if lock.tickets else 0) + 1
            lock.tickets.append(Ticket(number, now + self.lifetime))
            return lock, number

        try:
            return self._change(conversation_id, issue)
        except redis.RedisError as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def refresh(self, conversation_id: str, ticket: int) -> bool:
        """Push the ticket's expiry one lifetime ahead; False when the ticket is no longer in the queue."""

        def extend(lock: TicketLock | None, now: float) -> tuple[TicketLock | None, bool]:
            found = _find(lock, ticket)
            if found is not None:
                found.expires = now + self.lifetime
            return lock, found is not None

        return self._change(conversation_id, extend)

    def update_lock(self, conversation_id: str) -> None:
        """Drop expired tickets (Rasa's name for it)."""
        self._change(conversation_id, lambda lock, now: (lock, None))

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Take the ticket out of the queue, and the queue out of Redis when it is then empty (Rasa's `cleanup` did
        this in two steps, which could delete a ticket issued in between)."""

        def remove(lock: TicketLock | None, now: float) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.tickets = deque(t for t in lock.tickets if t.number != ticket_number)
            return lock, None

        self._change(conversation_id, remove)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        self.finish_serving(conversation_id, ticket_number)

    # -- waiting for one's turn -------------------------------------------------------------------------------

    def _look(self, conversation_id: str, ticket: int) -> Look:
        """Whether our ticket is in the queue and which ticket is served, by one read; a write (a transaction) only
        when our ticket is past half its lifetime or the head of the queue has expired."""
        raw = self.red.get(self.key_prefix + conversation_id)
        now = self._clock()
        lock = TicketLock.from_dict(json.loads(raw)) if raw else None
        ours = _find(lock, ticket)
        head_expired = lock is not None and bool(lock.tickets) and lock.tickets[0].expires < now
        if ours is not None and ours.expires - now > self.lifetime / 2 and not head_expired:
            return True, _serving(lock)

        def refresh_and_read(current: TicketLock | None, now: float) -> tuple[TicketLock | None, Look]:
            found = _find(current, ticket)
            if found is not None:
                found.expires = now + self.lifetime
            return current, (found is not None, _serving(current))

        return self._change(conversation_id, refresh_and_read)

    async def _wait_for_turn(self, conversation_id: str, held: list[int]) -> None:
        """Wait until our ticket (`held[0]`) is at the head of the queue. If it expired while this process was
        stalled, take a new one and keep its number in `held`, so the caller finishes the ticket really held."""
        while True:
            present, serving = self._look(conversation_id, held[0])
            if not present:
                logger.warning("lock store: a message's ticket expired while it waited; it queues again")
                held[0] = self.issue_ticket(conversation_id)
                continue
            if serving == held[0]:
                return
            await asyncio.sleep(self.poll_seconds)

    async def keep_alive(self, conversation_id: str, ticket: int) -> None:
        """While the holder works on its turn, keep its ticket from expiring (runs until cancelled)."""
        while True:
            await asyncio.sleep(self.keep_alive_seconds)
            try:
                if not self.refresh(conversation_id, ticket):
                    logger.warning("lock store: a held ticket expired (the process stalled past the lifetime)")
                    return
            except redis.RedisError as error:
                logger.warning("lock store: could not refresh a held ticket: %s", type(error).__name__)

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[TicketLock, None]:
        """Hold the conversation's lock for the body of the `async with` (Rasa's signature; the lifetime and the
        wait between looks are the store's own, see the module's docstring)."""
        del lock_lifetime, wait_time_in_seconds
        held = [self.issue_ticket(conversation_id)]
        try:
            await self._wait_for_turn(conversation_id, held)
            keeper = asyncio.create_task(self.keep_alive(conversation_id, held[0]))
            try:
                yield self.get_lock(conversation_id) or TicketLock(conversation_id)
            finally:
                keeper.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await keeper  # no task outlives the turn it kept alive
        finally:
            self.cleanup(conversation_id, held[0])
