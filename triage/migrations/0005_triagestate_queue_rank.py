"""The queue's stored order: two columns on the triage row, filled for the waiting rows, and their index.

Adding a column with a constant default does not rewrite the table on
PostgreSQL 11+. Only waiting rows are ranked (the queue never reads the
others), a few thousand even at a million records, so the backfill is short.
The partial index covers the waiting rows only and builds quickly.
"""

from django.db import migrations, models


def rank_waiting_rows(apps, schema_editor):
    # Historical models; only the pure arithmetic of triage.priority is borrowed.
    from django.utils import timezone

    from triage.priority import priority_of, queue_rank

    TriageState = apps.get_model("triage", "TriageState")
    ActionedName = apps.get_model("triage", "ActionedName")
    now = timezone.now()
    actioned = set(ActionedName.objects.values_list("kind", "name"))
    waiting = TriageState.objects.filter(status__in=["awaiting_assessment", "disputed"]).values_list(
        "record_id", "status", "record__host", "record__registrable_domain", "record__online",
        "record__report_count", "record__first_reported_at",
    )  # fmt: skip
    rows = []
    for record_id, status, host, domain, online, count, first in waiting.iterator(chunk_size=2000):
        priority = priority_of(
            disputed=status == "disputed",
            actioned=("host", host) in actioned or ("domain", domain) in actioned,
            online=online,
            report_count=count,
            first_reported_at=first,
            now=now,
        )
        rank = queue_rank(priority=priority, report_count=count, first_reported_at=first)
        rows.append(TriageState(record_id=record_id, priority=priority, queue_rank=rank))
    TriageState.objects.bulk_update(rows, ["priority", "queue_rank"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0004_assessment_dedicated_domain"),
    ]

    operations = [
        migrations.AddField(
            model_name="triagestate",
            name="priority",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="triagestate",
            name="queue_rank",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddIndex(
            model_name="triagestate",
            index=models.Index(
                condition=models.Q(("status__in", ["awaiting_assessment", "disputed"])),
                fields=["queue_rank", "record"],
                name="triage_queue_rank",
            ),
        ),
        migrations.RunPython(rank_waiting_rows, migrations.RunPython.noop),
    ]
