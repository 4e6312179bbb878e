"""Thin Celery tasks for the exchange: take an id or nothing, call a plain function."""

from __future__ import annotations

from celery import shared_task

from exchange import statuses


@shared_task(ignore_result=True)
def sync_exchange_statuses(record_id: int) -> int:
    return statuses.statuses_sync(record_id=record_id)


@shared_task(ignore_result=True)
def send_status_update(update_id: int) -> str:
    # No Celery retries: a failure is kept on the row and retried with backoff by exchange_pass.
    return statuses.update_deliver(update_id=update_id)


@shared_task(ignore_result=True)
def exchange_pass() -> dict[str, int]:
    return statuses.exchange_pass()
