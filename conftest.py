"""Test-wide rules.

Tests marked `postgres`, `redis` or `worker` need those services. On a laptop
without them they skip and say why (pytest -ra lists the reasons); under
CI=true they fail instead, so a missing service can never pass silently.
"""

from __future__ import annotations

import contextlib
import os
import socket
from urllib.parse import urlsplit

import pytest

# Staff personas (analyst, senior, senior2, manager, outsider) for every test.
pytest_plugins = ["staff.fixtures"]

CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def require(what: str, reason: str) -> None:
    if CI:
        pytest.fail(f"{what} is required when CI=true, but {reason}", pytrace=False)
    pytest.skip(f"{what} unavailable: {reason}")


def redis_reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


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


def reset_celery_connections() -> None:
    from kombu import pools

    from reportsite.celery import app

    # kombu keeps one pool per broker URL for the whole process; a closed one
    # would be handed out again, so the registries are emptied as well.
    pools.reset()
    app._pool = None
    app.__dict__.get("amqp") and setattr(app.amqp, "_producer_pool", None)


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


def database_url_for_subprocess() -> str:
    """The URL of the database this test runs on (pytest-django's test_ database)."""
    from django.db import connection

    s = connection.settings_dict
    user = s.get("USER") or ""
    auth = f"{user}:{s['PASSWORD']}@" if s.get("PASSWORD") else (f"{user}@" if user else "")
    return f"postgres://{auth}{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


class WorkerProcess:
    """A real `celery worker` in a subprocess, on the test database and TEST_REDIS_URL."""

    def __init__(
        self,
        tmp_path,
        extra_env: dict[str, str] | None = None,
        concurrency: int = 2,
        queues: str = "default,enrich,notices",
    ):
        import subprocess
        import sys

        self.log_path = tmp_path / f"worker-{id(self)}.log"
        env = dict(os.environ)
        env.update(
            DATABASE_URL=database_url_for_subprocess(),
            CELERY_BROKER_URL=TEST_REDIS_URL,
            DATABASE_CONN_MAX_AGE="0",
            LOG_LEVEL="INFO",
        )
        env.update(extra_env or {})
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "--app", "reportsite", "worker", "--queues", queues,
             "--concurrency", str(concurrency), "--pool", "prefork", "--loglevel", "INFO",
             "--without-mingle", "--without-gossip"],
            env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the whole worker (parent and pool children), as a crash would."""
        import signal

        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        import signal

        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except Exception:
                self.kill()
        self._log.close()


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


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.2, message: str = "condition"):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {message}")


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
