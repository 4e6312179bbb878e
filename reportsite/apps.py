import os
import sys

from django.apps import AppConfig


class ReportsiteConfig(AppConfig):
    name = "reportsite"
    verbose_name = "reportsite"

    def ready(self) -> None:
        from django.conf import settings

        from reportsite import checks  # noqa: F401 - registers the deployment checks

        # Embedded `make run`: no broker and no beat, so the development
        # server's serving process keeps the periodic sweep going itself.
        # RUN_MAIN is set in the autoreloader's child, the one that serves.
        serving = len(sys.argv) > 1 and sys.argv[1] == "runserver" and os.environ.get("RUN_MAIN") == "true"
        if serving and settings.CELERY_TASK_ALWAYS_EAGER:
            from reportsite.queueing import start_embedded_beat

            start_embedded_beat()
