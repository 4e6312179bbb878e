"""Test-wide rules.

Tests marked `postgres`, `redis` or `worker` need those services. On a laptop
without them they skip and say why (pytest -ra lists the reasons); under
CI=true they fail instead, so a missing service can never pass silently.
"""

from __future__ import annotations

import pytest

# Staff personas (analyst, senior, senior2, manager, outsider) for every test.
pytest_plugins = ["testsupport.fixtures"]

from testsupport.services import (  # noqa: E402
    TEST_REDIS_URL,
    WorkerProcess,
    redis_reachable,
    require,
    reset_celery_connections,
)


def pytest_runtest_setup(item: pytest.Item) -> None:
    needs = {mark.name for mark in item.iter_markers()}
    if needs & {"postgres", "worker"}:
        from django.conf import settings

        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            require("PostgreSQL", "DATABASE_URL does not point at PostgreSQL")
    if needs & {"redis", "worker"} and not redis_reachable(TEST_REDIS_URL):
        require("Redis", f"nothing answers at {TEST_REDIS_URL}")


@pytest.fixture(autouse=True)
def _process_caches_empty():
    """Each process keeps the portals for a while (portals.selectors) and drawn public pages
    (CACHES["fragments"]); a test starts with neither, as a rolled-back test's portals, or a page
    drawn under another test's settings, would otherwise outlive it."""
    from django.core.cache import caches

    from portals.selectors import portals_forget

    portals_forget()
    caches["fragments"].clear()
    yield
    portals_forget()


@pytest.fixture(autouse=True)
def _celery_in_process(settings):
    """Unit tests run tasks inline; tests with a real worker switch brokers themselves."""
    from reportsite.celery import app

    settings.EMBEDDED_BACKGROUND = False
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _isolated_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def use_broker(monkeypatch):
    """Publish to a real broker from this test process: use_broker(url)."""
    from reportsite.celery import app

    original = app.conf.broker_url

    def switch(url: str) -> None:
        reset_celery_connections()
        app.conf.task_always_eager = False
        app.conf.broker_url = url
        # Celery prefers the environment variable to its own configuration.
        monkeypatch.setenv("CELERY_BROKER_URL", url)

    yield switch
    reset_celery_connections()
    app.conf.broker_url = original
    app.conf.task_always_eager = True


@pytest.fixture
def redis_flush():
    """An empty Redis database for the test (TEST_REDIS_URL, db 14 by default)."""
    import redis

    client = redis.Redis.from_url(TEST_REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def start_worker(tmp_path):
    workers: list[WorkerProcess] = []

    def start(**kwargs) -> WorkerProcess:
        worker = WorkerProcess(tmp_path, **kwargs)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


class _NoSuchNames:
    """A resolver for which no name exists: tests never query a real name server."""

    def resolve(self, qname, rdtype, **kwargs):
        import dns.resolver

        raise dns.resolver.NXDOMAIN()


@pytest.fixture(autouse=True)
def _no_traffic_off_this_machine(monkeypatch):
    """Enrichment that runs in-process during a test stays on loopback.

    Names resolve to nothing and the liveness check's connection layer refuses
    to dial outside 127.0.0.0/8 and ::1. Tests that need answers pass their
    own resolver.
    """
    from enrichment import hosting, netguard

    monkeypatch.setattr(netguard, "TEST_LOOPBACK_ONLY", True)
    monkeypatch.setattr(hosting, "_default_resolver", _NoSuchNames)
