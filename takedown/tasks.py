"""Thin Celery tasks for takedown: take an id or nothing, call a plain function."""

from __future__ import annotations

from celery import shared_task

from takedown import lifecycle, retention


@shared_task(ignore_result=True)
def advance_takedowns() -> dict[str, int]:
    counts = lifecycle.takedowns_advance()
    counts["routed"] = lifecycle.takedowns_route_held()
    return counts


@shared_task(ignore_result=True)
def apply_retention() -> dict[str, int]:
    return retention.retention_apply()
