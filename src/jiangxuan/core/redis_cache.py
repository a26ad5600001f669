"""Django's Redis cache backend with one redis-py client per connection pool.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` on every cache call
(its connection pool is kept): about a quarter of a millisecond of CPU each, several times
per public ballot and page (issue 17.1, measured in docs/benchmarks.md). A ``redis.Redis``
is safe to share between calls and threads (it takes a connection from its pool for each
command), so this backend builds it once per pool and keeps it. Everything else —
pickling, keys, timeouts, the pools — is Django's.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class PooledRedisCacheClient(RedisCacheClient):
    """:class:`RedisCacheClient` whose ``get_client`` returns the same ``redis.Redis`` for
    the same pool (the write server, or one of the read replicas)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        """The redis-py client of the pool ``write`` selects (``key`` is unused, as in
        Django's)."""
        # django-stubs leave out RedisCacheClient's private helpers used here.
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
            client = self._clients[index] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class RedisCache(DjangoRedisCache):
    """Django's ``RedisCache`` with :class:`PooledRedisCacheClient`; configure it as
    ``BACKEND = "jiangxuan.core.redis_cache.RedisCache"`` with the same ``LOCATION`` and
    ``OPTIONS``."""

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = PooledRedisCacheClient
