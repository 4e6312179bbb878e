"""The Celery application. Its whole configuration lives in settings.py
(the CELERY_* block), so there is one place to read it."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reportsite.settings")

app = Celery("reportsite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
