"""Django's Redis cache, with one client object per connection pool instead of one per call.

Django's RedisCacheClient.get_client() builds a new redis.Redis for every cache operation, and
redis-py's constructor fills a table of some 340 response callbacks each time: about half a
millisecond of Python per cache read, more than the round trip to Redis. Every page reads the
person stamp (core.personcache) and every registration the calendar's; the client is safe to
share between threads (its pool hands out connections) and follows forks (the pool checks the
process id), so it is kept with its pool.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _Client(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        client = self._clients.get(index)
        if client is None:  # the pool of that server, as Django's _get_connection_pool makes it
            pools: dict[int, Any] = self._pools  # type: ignore[attr-defined]
            if index not in pools:
                pools[index] = self._pool_class.from_url(  # type: ignore[attr-defined]
                    self._servers[index], **self._pool_options)  # type: ignore[attr-defined]
            client = self._clients[index] = self._client(connection_pool=pools[index])  # type: ignore[attr-defined]
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _Client
