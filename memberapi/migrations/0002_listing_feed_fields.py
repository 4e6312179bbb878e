"""Listing: the dedicated domain (RPZ) and the feeds' "date added" of each listing and removal.

New columns only (nullable, or a constant default: no table rewrite on
PostgreSQL 11+), then the dates of rows sequenced before are filled in, in
position order, so they too strictly increase with the position. The
indexes come in 0003, built concurrently.
"""

from datetime import timedelta

from django.db import migrations, models

STEP = timedelta(microseconds=1)
BATCH = 2000


def added_dates_fill(apps, schema_editor):
    Listing = apps.get_model("memberapi", "Listing")
    ListPosition = apps.get_model("memberapi", "ListPosition")
    # Every position that made or closed a listing, in order, with its time.
    events = []
    for pk, position, at in Listing.objects.values_list("pk", "listed_position", "listed_at").iterator(
        chunk_size=BATCH
    ):
        events.append((position, pk, "listed_added_at", at))
    closed = Listing.objects.filter(removed_position__isnull=False)
    for pk, position, at in closed.values_list("pk", "removed_position", "removed_at").iterator(chunk_size=BATCH):
        events.append((position, pk, "removed_added_at", at))
    events.sort()
    last = None
    dates: dict[int, dict] = {}
    for _position, pk, field, at in events:
        last = at if last is None or at > last else last + STEP
        dates.setdefault(pk, {})[field] = last
    rows = []
    for pk, fields in dates.items():
        rows.append(Listing(pk=pk, **fields))
    Listing.objects.bulk_update(rows, ["listed_added_at", "removed_added_at"], batch_size=500)
    if last is not None:
        ListPosition.objects.filter(pk=1).update(last_added_at=last)


class Migration(migrations.Migration):
    dependencies = [("memberapi", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="listing",
            name="domain",
            field=models.CharField(blank=True, db_default="", default="", max_length=255),
        ),
        migrations.AddField(
            model_name="listing",
            name="listed_added_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="listing",
            name="removed_added_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="listposition",
            name="last_added_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(added_dates_fill, migrations.RunPython.noop),
    ]
