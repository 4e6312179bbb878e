"""Thin Celery tasks: take an id, call a plain function, decide only about retries."""

from __future__ import annotations

from celery import shared_task

from enrichment import pipeline, services


@shared_task(bind=True, ignore_result=True, max_retries=None)
def enrich_record(self, record_id: int) -> str:
    outcome = services.record_enrich(record_id=record_id)
    if outcome.result == "retry":
        # The attempt counter on the record bounds the retries, not Celery.
        raise self.retry(countdown=outcome.retry_in)
    return outcome.result


@shared_task(ignore_result=True)
def sweep_pending_records() -> int:
    return pipeline.records_sweep()
