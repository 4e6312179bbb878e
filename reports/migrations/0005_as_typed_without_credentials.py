"""Credentials typed into an address in a spelling the old code missed (issue 15, item 5) are removed
from the addresses already stored "as typed".

Only rows with an "@" (typed or escaped) are read, in batches, and only those that change are
written; the canonical form was always stored without credentials and is the fallback (see
reports.addresses.without_credentials). Nothing to undo: the credentials are not kept anywhere.
"""

from django.db import migrations
from django.db.models import Q

BATCH = 1000


def as_typed_without_credentials(apps, schema_editor) -> None:
    from reports.addresses import without_credentials

    ReportedAddress = apps.get_model("reports", "ReportedAddress")
    candidates = (
        ReportedAddress.objects.filter(Q(as_typed__contains="@") | Q(as_typed__icontains="%40"))
        .select_related("record")
        .only("id", "as_typed", "record__url")
        .order_by("id")
    )
    changed = []
    for link in candidates.iterator(chunk_size=BATCH):
        kept = without_credentials(link.as_typed, canonical=link.record.url)
        if kept != link.as_typed:
            link.as_typed = kept
            changed.append(link)
        if len(changed) >= BATCH:
            ReportedAddress.objects.bulk_update(changed, ["as_typed"])
            changed = []
    ReportedAddress.objects.bulk_update(changed, ["as_typed"])


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_fewer_indexes"),
    ]

    operations = [
        migrations.RunPython(as_typed_without_credentials, migrations.RunPython.noop, elidable=True),
    ]
