"""Fixtures of the reliability suite: a private PostgreSQL cluster for the
session (migrated once into a template database), and per test a database
copied from it, private Redis servers and a site on them."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from reliability_tests.harness import MissingTool, PrivatePostgres, PrivateRedis, Stack
from testsupport.services import require

TEMPLATE = "reliability_template"
# Variables of the developer's shell that must not leak into the private site.
CLEARED = ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "EMAIL_HOST", "PRODUCTION", "DEBUG")


def pytest_collection_modifyitems(items):
    for item in items:
        if "reliability_tests" in str(item.fspath):
            item.add_marker(pytest.mark.reliability)


@pytest.fixture(scope="session")
def private_postgres() -> Iterator[PrivatePostgres]:
    try:
        cluster = PrivatePostgres()
    except MissingTool as exc:
        require("PostgreSQL server binaries", str(exc))
    cluster.init()
    cluster.start()
    cluster.execute(f"CREATE DATABASE {TEMPLATE}")
    env = base_env() | {"DATABASE_URL": cluster.url(TEMPLATE)}
    Stack("migrate", env, Path(cluster.dir), broker=None).manage("migrate", "--noinput")  # type: ignore[arg-type]
    yield cluster
    cluster.remove()


def base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(
        SECRET_KEY="reliability-" + "x" * 50,
        REPORT_MIN_FORM_SECONDS="0",
        REPORT_RATE_LIMIT="0",
        REPORT_GLOBAL_RATE_LIMIT="0",
        WEB_CONCURRENCY="2",
        ACCESS_LOG="false",
        LOG_LEVEL="INFO",
        CHECK_ALLOW_NETWORKS="127.0.0.0/8",
        SWEEP_INTERVAL_SECONDS="5",
        SWEEP_NEW_AFTER_SECONDS="5",
        SWEEP_QUEUED_AFTER_SECONDS="30",
        NOTICE_BATCH_DELAY_MINUTES="0",
        METRICS_TOKEN="reliability-metrics",
        MACHINERY_CACHE_SECONDS="1",
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture
def log_dir(request) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix=f"reliability-{request.node.name[:40]}-"))
    yield path
    if getattr(request.node, "rep_failed", False):
        print(f"\nlogs of the failed test kept in {path}")
    else:
        shutil.rmtree(path, ignore_errors=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        item.rep_failed = True


@pytest.fixture
def make_site(private_postgres, log_dir) -> Iterator:
    """make_site(**env) → a Stack on a fresh copy of the migrated database and its own broker and cache."""
    stacks: list[Stack] = []
    redises: list[PrivateRedis] = []

    def make(**extra: str) -> Stack:
        if not shutil.which("redis-server"):
            require("redis-server", "the redis-server program is not installed")
        name = f"rel_{uuid.uuid4().hex[:10]}"
        private_postgres.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        broker, cache = PrivateRedis(log_dir, "broker"), PrivateRedis(log_dir, "cache")
        broker.start()
        cache.start()
        redises.extend([broker, cache])
        env = base_env() | {
            "DATABASE_URL": private_postgres.url(name),
            "CELERY_BROKER_URL": broker.url(0),
            # Its own Redis: stopping the broker must not take the cache with it (see docs/reliability.md).
            "CACHE_URL": cache.url(1),
        }
        env.update(extra)
        stack = Stack(name, env, log_dir, broker=broker)
        stack.cache = cache  # type: ignore[attr-defined]
        stacks.append(stack)
        return stack

    yield make
    for stack in stacks:
        stack.stop()
    for redis in redises:
        redis.proc.kill()
