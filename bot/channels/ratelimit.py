"""A per-sender message limit, so one phone cannot flood the assistant (or the NGOs behind it).

Fixed one-minute windows: good enough to stop floods, cheap to check. With `HELPLINE_REDIS_URL` the counts live in
Redis and are shared by every replica; without it (the embedded default, one process) they live in memory.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import redis


class RateLimiter:
    def __init__(self, per_minute: int, redis_url: str | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._redis = redis.Redis.from_url(redis_url, socket_timeout=0.5) if redis_url else None
        self._counts: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count one message for `key` (a pseudonym, never an address); False once over the limit this minute."""
        return self.count(key) <= self.per_minute or self.per_minute <= 0

    def count(self, key: str) -> int:
        """Count one message for `key` and return how many it has sent this minute (0 when there is no limit)."""
        if self.per_minute <= 0:
            return 0
        window = int(self._clock() // 60)
        if self._redis is not None:
            try:
                name = f"helpline:rate:{key}:{window}"
                pipe = self._redis.pipeline()
                pipe.incr(name)
                pipe.expire(name, 120)
                return int(pipe.execute()[0])
            except redis.RedisError:
                return 0  # never lose a message because the limiter's store is down
        with self._lock:
            for old in [k for k in self._counts if k[1] < window]:
                del self._counts[old]
            count = self._counts.get((key, window), 0) + 1
            self._counts[(key, window)] = count
        return count
