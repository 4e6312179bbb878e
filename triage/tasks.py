"""Thin Celery task for the queue's clock."""

from __future__ import annotations

from celery import shared_task

from triage.priority import queue_age_sweep


@shared_task(ignore_result=True)
def age_queue() -> int:
    """Waiting records that passed a day since their first report get "waiting over a day"."""
    return queue_age_sweep()
