"""Handing a task to whatever runs background work here.

With a broker (production), tasks are published to it. Without one (the
embedded `make run`), they run in this process, on a small pool of background
threads so that a reporter never waits for a DNS look-up or a liveness check;
an in-process timer then plays Celery beat's part. Tests run them inline.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connections, transaction

logger = logging.getLogger(__name__)
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_beat_started = False


def enqueue(task: Any, *args: Any) -> None:
    """Publish `task(*args)`; raises if the broker cannot take it."""
    if not task.app.conf.task_always_eager:
        task.apply_async(args=list(args))
    elif settings.EMBEDDED_BACKGROUND:
        _background().submit(_run, task, args)
    else:
        task.apply(args=list(args))


def enqueue_by_name(name: str, *args: Any) -> None:
    """Publish the task registered as `name` (e.g. "enrichment.tasks.enrich_record"); raises if the broker cannot.

    By name, so that no service module imports a tasks module: tasks build on
    services, never the other way round, and there is no import cycle to break
    with an import inside a function.
    """
    enqueue(_task(name), *args)


def enqueue_on_commit(name: str, *args: Any) -> None:
    """Publish the task once the current transaction commits (at once outside one).

    A broker that is down then is logged and forgotten: every caller keeps its
    pending state in the database, where its periodic sweep finds it again.
    """
    transaction.on_commit(lambda: _enqueue_quietly(name, args))


def _enqueue_quietly(name: str, args: tuple) -> None:
    try:
        enqueue_by_name(name, *args)
    except Exception:
        logger.warning("broker unavailable: %s%r waits for its sweep", name, args, exc_info=True)


def _task(name: str) -> Any:
    from reportsite.celery import app

    if name not in app.tasks:
        app.loader.import_default_modules()  # Registers every app's tasks, as a worker does at start.
    return app.tasks[name]


def send_until_failure(ids: list[int], send: Callable[[int], None], *, what: str) -> int:
    """Hand each id to `send` in order; stop at the first broker failure.

    Returns how many were handed over, so the caller can put the rest back
    where its own sweep or schedule will find them again.
    """
    for sent, item in enumerate(ids):
        try:
            send(item)
        except Exception:
            logger.warning("broker unavailable: %d %s wait for the next pass", len(ids) - sent, what, exc_info=True)
            return sent
    return len(ids)


def _background() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=settings.EMBEDDED_THREADS, thread_name_prefix="embedded-task")
        return _pool


def _run(task: Any, args: tuple) -> None:
    try:
        task.apply(args=list(args))
    except Exception:
        logger.exception("in-process task %s failed", task.name)
    finally:
        # Each pool thread holds its own database connection; do not leak them.
        connections.close_all()


def start_embedded_beat() -> None:
    """Run the CELERY_BEAT_SCHEDULE in this process (embedded mode only)."""
    global _beat_started
    if _beat_started:
        return
    _beat_started = True
    threading.Thread(target=_beat_loop, name="embedded-beat", daemon=True).start()


def _beat_loop() -> None:
    entries = [
        (entry["task"], entry["schedule"].total_seconds())
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if hasattr(entry["schedule"], "total_seconds")
    ]
    due = {name: time.monotonic() + 5 for name, _ in entries}
    while True:
        time.sleep(1)
        for name, interval in entries:
            if time.monotonic() >= due[name]:
                due[name] = time.monotonic() + interval
                close_old_connections()
                _background().submit(_run, _task(name), ())
