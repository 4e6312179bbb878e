"""Prometheus metrics in the text exposition format, written by hand (no extra dependency).

Counters are totals since the first record, read from the daily aggregates,
so they move when the beat refreshes them (every few minutes) and never go
backwards. Gauges are read now (the queue) or from the cached machinery check.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Sum

from dashboard.machinery import machinery_cached
from dashboard.models import DailyStat, Metric
from dashboard.selectors import queue_now

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _family(name: str, kind: str, help_text: str, samples: Iterable[tuple[dict[str, str], float]]) -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
    for labels, value in samples:
        rendered = ",".join(f'{k}="{_label(v)}"' for k, v in sorted(labels.items()))
        lines.append(f"{name}{{{rendered}}} {value:g}" if rendered else f"{name} {value:g}")
    return lines


def _totals(metric: str) -> dict[str, int]:
    rows = DailyStat.objects.filter(metric=metric).values_list("key").annotate(n=Sum("count")).order_by()
    return {key: n for key, n in rows}


def metrics_text() -> str:
    queue = queue_now()
    oldest = queue.oldest_age.total_seconds() if queue.oldest_age else 0.0
    machinery = machinery_cached()
    lines: list[str] = []
    lines += _family("reportsite_queue_depth", "gauge", "Records waiting for assessment.", [({}, queue.waiting)])
    lines += _family(
        "reportsite_queue_oldest_waiting_seconds",
        "gauge",
        "Age of the oldest record waiting for assessment, from its first report (0 when none waits).",
        [({}, oldest)],
    )
    lines += _family(
        "reportsite_reports_received_total",
        "counter",
        "Reports received (as of the last aggregate refresh).",
        [({}, sum(_totals(Metric.REPORTS).values()))],
    )
    lines += _family(
        "reportsite_notices_sent_total",
        "counter",
        "Notice batches sent, by channel (as of the last aggregate refresh).",
        [({"channel": key}, n) for key, n in sorted(_totals(Metric.NOTICES_SENT).items())],
    )
    lines += _family(
        "reportsite_removals_total",
        "counter",
        "Takedowns closed, by how they ended (as of the last aggregate refresh).",
        [({"status": key}, n) for key, n in sorted(_totals(Metric.REMOVED).items())],
    )
    lines += _family(
        "reportsite_enrichment_records",
        "gauge",
        "Records not enriched: new, queued longer than the sweep allows, failed.",
        [
            ({"state": "new"}, machinery.records_new),
            ({"state": "stuck_queued"}, machinery.records_stuck_queued),
            ({"state": "failed"}, machinery.records_failed),
        ],
    )
    lines += _family(
        "reportsite_notice_batches_failing",
        "gauge",
        "Notice batches that failed for good, or are being retried.",
        [({"state": "failed"}, machinery.batches_failed), ({"state": "retrying"}, machinery.batches_retrying)],
    )
    if not machinery.embedded:
        lines += _family(
            "reportsite_broker_queue_length",
            "gauge",
            "Messages waiting in each broker queue.",
            [({"queue": name}, n) for name, n in machinery.queues.items() if n is not None],
        )
        lines += _family(
            "reportsite_workers_answering",
            "gauge",
            "Celery workers that answered the last ping.",
            [({}, sum(1 for w in machinery.workers if w.answering))],
        )
    return "\n".join(lines) + "\n"
