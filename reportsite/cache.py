"""Django's Redis cache backend, with one Redis client per connection pool instead of one per call.

Django's RedisCacheClient builds a new redis.Redis for every cache operation,
and building one fills a table of some 170 response callbacks: about a fifth
of a millisecond of CPU each time, two or three times per report. A
redis.Redis holds no connection of its own (each command borrows one from the
pool) and is safe to share between threads, so one per pool does the same
work. Everything else, timeouts and serialisation included, is Django's.
"""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            # A race here builds two clients for one pool; either serves.
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
