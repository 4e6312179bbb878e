"""Records enriched (or failed) before triage existed enter the queue.

Later records get their row from triage.signals or `manage.py triage_sync`.
"""

from django.db import migrations

BATCH = 5000


def backfill(apps, schema_editor):
    UrlRecord = apps.get_model("reports", "UrlRecord")
    TriageState = apps.get_model("triage", "TriageState")
    missing = UrlRecord.objects.filter(enrichment_state__in=["enriched", "failed"], triage__isnull=True)
    while True:
        ids = list(missing.order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return
        TriageState.objects.bulk_create([TriageState(record_id=pk) for pk in ids], ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("triage", "0001_triage")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
