"""reportsite's settings plus the benchmark's floor endpoint (bench/submissions.py only).

Everything else (middleware, database, cache, broker, Celery options) is the
product's own, read from the same environment variables.
"""

from reportsite.settings import *  # noqa: F403
from reportsite.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench.floor_app"]
ROOT_URLCONF = "bench.urls_floor"
