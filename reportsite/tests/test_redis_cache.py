"""The production cache backend: Django's Redis cache, one client per connection pool."""

import threading

import pytest

from reportsite.cache import RedisCache
from testsupport.services import TEST_REDIS_URL

pytestmark = pytest.mark.redis


@pytest.fixture
def cache(redis_flush):
    return RedisCache(TEST_REDIS_URL, {"OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2}})


def test_it_keeps_djangos_cache_behaviour(cache, redis_flush):
    assert cache.add("counter", 0, timeout=60) is True
    assert cache.add("counter", 5, timeout=60) is False
    assert cache.incr("counter") == 1
    cache.set("reference", "R-ABCD-EFGH", timeout=60)
    assert cache.get("reference") == "R-ABCD-EFGH"
    assert 0 < redis_flush.ttl(cache.make_key("reference")) <= 60
    cache.delete("reference")
    assert cache.get("reference", "gone") == "gone"


def test_every_call_shares_one_client(cache):
    cache.set("a", 1)
    cache.get("a")
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client
    assert len(cache._cache._clients) == 1


def test_threads_share_the_client_without_mixing_answers(cache):
    errors = []

    def worker(n: int) -> None:
        for i in range(200):
            cache.set(f"k{n}", f"{n}-{i}")
            if cache.get(f"k{n}") != f"{n}-{i}":
                errors.append((n, i))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
