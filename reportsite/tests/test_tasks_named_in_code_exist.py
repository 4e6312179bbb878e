"""Every task the code names as a string (queued by name, routed, or on the beat) is a registered Celery task.

Tasks are queued by name (reportsite.queueing.enqueue_by_name), so a misspelt
name would only fail when the work is due; this catches it at once.
"""

import re
from pathlib import Path

from django.conf import settings

from reportsite.celery import app

ROOT = Path(settings.BASE_DIR)
TASK_NAME = re.compile(r"""["']([a-z_]+\.tasks\.[a-z_]+)["']""")


def task_names_in_code() -> set[str]:
    names = set()
    for path in ROOT.rglob("*.py"):
        parts = set(path.relative_to(ROOT).parts)
        if parts & {".venv", "var", "tests", "node_modules", "bench"} or path.name.startswith("test_"):
            continue
        names |= set(TASK_NAME.findall(path.read_text()))
    return names


def test_the_code_names_tasks():
    assert {"enrichment.tasks.enrich_record", "takedown.tasks.send_notice_batch"} <= task_names_in_code()


def test_every_named_task_is_registered():
    app.loader.import_default_modules()
    assert task_names_in_code() - set(app.tasks) == set()
