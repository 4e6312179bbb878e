"""Thin Celery task for the URL list: the beat numbers new list changes (memberapi.sequencing)."""

from __future__ import annotations

from celery import shared_task

from memberapi.sequencing import RUN_SECONDS, changes_sequence


@shared_task(ignore_result=True)
def sequence_list_changes() -> int:
    # Bounded below the task's soft time limit; what is left waits for the next run.
    return changes_sequence(seconds=RUN_SECONDS)
