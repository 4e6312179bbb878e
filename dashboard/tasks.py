"""Thin Celery task for the dashboard's aggregates."""

from __future__ import annotations

from celery import shared_task

from dashboard.aggregates import stats_refresh


@shared_task(ignore_result=True)
def refresh_daily_stats() -> int:
    return stats_refresh()
