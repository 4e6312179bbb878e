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
from django.db import close_old_connections, connections

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
    from reportsite.celery import app

    app.loader.import_default_modules()  # Registers the tasks, as a worker would at start.
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
                _background().submit(_run, app.tasks[name], ())
