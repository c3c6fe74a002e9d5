"""The default cache: Redis, falling back to this process's memory while Redis is unreachable.

Sessions live in the database; the cache holds rate-limit counters and small lookups.  When Redis
goes away the pages keep working: each call that fails to reach Redis is answered by a per-process
local-memory cache instead (rate limits then count per process, which is stricter, not looser,
than nothing), and Redis is tried again on the next call.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

try:  # redis-py's errors; OSError covers a missing unix socket
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
except ImportError:  # pragma: no cover - redis is a dependency
    UNREACHABLE = (OSError,)

FALLBACK_METHODS = ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "decr", "set_many",
                    "delete_many", "clear", "get_or_set")


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client makes a new ``redis.Redis`` for every cache call, and each builds its table of
    about 170 response callbacks (≈ 80 µs, two or three times a page: issue 17).  One ``redis.Redis`` per
    connection pool serves every call: it is thread-safe (each command takes a connection from the pool)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FallbackRedisCache(RedisCache):
    """``RedisCache`` whose operations fall back to a local-memory cache when Redis is down."""

    WARN_EVERY = 60.0  # seconds between "Redis unreachable" log lines

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._fallback = LocMemCache(f"fallback-{id(self)}", {"TIMEOUT": params.get("TIMEOUT", 300),
                                                             "KEY_PREFIX": params.get("KEY_PREFIX", "")})
        self._warned_at = 0.0
        self.last_failure: float | None = None

    def _unreachable(self, exc: Exception) -> None:
        now = time.monotonic()
        self.last_failure = now
        if now - self._warned_at > self.WARN_EVERY:
            self._warned_at = now
            logger.warning("Redis cache unreachable (%s); using this process's memory meanwhile", exc)

    def redis_available(self) -> bool:
        """Whether Redis answers right now (for the health check)."""
        try:
            return bool(self._cache.get_client(write=False).ping())
        except UNREACHABLE:
            return False


def _with_fallback(name):
    redis_method = getattr(RedisCache, name)

    def method(self, *args, **kwargs):
        try:
            return redis_method(self, *args, **kwargs)
        except UNREACHABLE as exc:
            self._unreachable(exc)
            return getattr(self._fallback, name)(*args, **kwargs)

    method.__name__ = name
    method.__doc__ = redis_method.__doc__
    return method


for _name in FALLBACK_METHODS:
    setattr(FallbackRedisCache, _name, _with_fallback(_name))
