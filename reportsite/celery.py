"""The Celery application. Its whole configuration lives in settings.py
(the CELERY_* block), so there is one place to read it."""

import os

from celery import Celery
from celery.worker.consumer import Consumer

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reportsite.settings")


class BrokerLossConsumer(Consumer):
    """Celery's consumer, made to survive losing the broker while a task runs.

    Named by CELERY_WORKER_CONSUMER. Celery 5.7.0 (with kombu 5.7.0), on a
    lost connection, first collects it (kombu's Connection.collect: close the
    channels, detach the transport) and then closes it again
    (Consumer.on_connection_error_after_connected). collect() keeps the
    connection's default channel. When a Redis BRPOP was waiting on it, that
    channel's first close stopped at reading the reply from the dead socket,
    so the second close runs the rest: it restores the unacknowledged
    messages (tasks acknowledged late, still running) through the detached
    transport, AttributeError "'NoneType' object has no attribute
    'hostname'", which Celery takes for an unrecoverable error, and the
    worker exits. Forgetting the default channel once the connection is
    collected, as kombu itself does when it connects anew, leaves that close
    nothing to redo; Celery 5.6.3, which only collects, behaves the same.
    Nothing is lost by it: the broker is gone at that moment, so no restore
    could reach it; the running tasks are cancelled and their records queued
    again as before (the sweep, Redis's visibility timeout).
    reliability_tests/test_broker_lost_mid_task.py makes the case.
    """

    def on_connection_error_after_connected(self, exc):
        connection = self.connection
        if connection is not None:
            collect = connection.collect

            def collect_and_forget_default_channel(*args, **kwargs):
                try:
                    return collect(*args, **kwargs)
                finally:
                    connection._default_channel = None

            connection.collect = collect_and_forget_default_channel
        super().on_connection_error_after_connected(exc)


app = Celery("reportsite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
