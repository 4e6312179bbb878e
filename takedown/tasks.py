"""Thin Celery tasks for takedown: take an id or nothing, call a plain function."""

from __future__ import annotations

from celery import shared_task

from takedown import contact_discovery, lifecycle, retention


@shared_task(ignore_result=True)
def advance_takedowns() -> dict[str, int]:
    counts = lifecycle.takedowns_advance()
    counts["routed"] = lifecycle.takedowns_route_held()
    counts["lookups_queued"] = contact_discovery.lookups_queue_missing()
    return counts


@shared_task(ignore_result=True)
def apply_retention() -> dict[str, int]:
    return retention.retention_apply()


@shared_task(ignore_result=True)
def lookup_abuse_contact(record_id: int) -> None:
    # Failures are kept on the ContactLookup row and retried after RDAP_RETRY_AFTER, not here.
    contact_discovery.contact_lookup(record_id=record_id)


# --- Notices (takedown.notices) ---------------------------------------------------


@shared_task(ignore_result=True)
def send_due_notices() -> dict[str, int]:
    from takedown.notices import dispatch

    return dispatch.notices_dispatch()


@shared_task(ignore_result=True)
def send_notice_batch(batch_id: int) -> str:
    from takedown.notices import delivery

    # No Celery retries: a failure is kept on the batch and retried with backoff by send_due_notices.
    return delivery.batch_deliver(batch_id=batch_id)
