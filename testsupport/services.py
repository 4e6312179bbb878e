"""Test support shared by every app's tests: the services a test needs, and waiting for them.

The whole suite's test support lives in this package (testsupport/): personas
and their fixtures, record and report builders per app, loopback servers
(HTTP, SMTP, webhooks, RDAP). Tests import from here, never from another
app's tests folder.
"""

from __future__ import annotations

import contextlib
import os
import socket
from urllib.parse import urlsplit

import pytest

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


def reset_celery_connections() -> None:
    from kombu import pools

    from reportsite.celery import app

    # kombu keeps one pool per broker URL for the whole process; a closed one
    # would be handed out again, so the registries are emptied as well.
    pools.reset()
    app._pool = None
    app.__dict__.get("amqp") and setattr(app.amqp, "_producer_pool", None)


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


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.2, message: str = "condition"):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {message}")
