"""Thin Celery tasks: take an id, call a plain function, decide only about retries."""

from __future__ import annotations

from celery import shared_task

from enrichment import pipeline, services, tracking


@shared_task(bind=True, ignore_result=True, max_retries=None)
def enrich_record(self, record_id: int) -> str:
    outcome = services.record_enrich(record_id=record_id)
    if outcome.result == "retry":
        if self.request.is_eager:
            # In-process (embedded mode) Celery would retry at once, ignoring the
            # countdown; the record stays pending and the sweep tries it later.
            return "left for the sweep"
        # The attempt counter on the record bounds the retries, not Celery.
        raise self.retry(countdown=outcome.retry_in)
    return outcome.result


@shared_task(ignore_result=True)
def sweep_pending_records() -> int:
    return pipeline.records_sweep()


@shared_task(ignore_result=True)
def recheck_due_records() -> int:
    return tracking.records_due_queue()


# No retries: a check that fails is itself the answer ("no answer"), and a lost
# message comes back through the claim lease.
@shared_task(ignore_result=True)
def recheck_record(record_id: int) -> str:
    check = tracking.record_recheck(record_id=record_id)
    return check.outcome if check is not None else "skipped"
