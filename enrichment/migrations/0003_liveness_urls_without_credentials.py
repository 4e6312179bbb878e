"""Userinfo a server put in a redirect's Location is removed from the checks already stored
(issue 15, item 5): final_url and each hop's url and location. Only rows with an "@" are read."""

from django.db import migrations
from django.db.models import Q, TextField
from django.db.models.functions import Cast

BATCH = 1000


def liveness_urls_without_credentials(apps, schema_editor) -> None:
    from reports.addresses import without_credentials

    LivenessCheck = apps.get_model("enrichment", "LivenessCheck")
    candidates = (
        LivenessCheck.objects.annotate(hops=Cast("redirects", TextField()))
        .filter(Q(final_url__contains="@") | Q(hops__contains="@"))
        .only("id", "final_url", "redirects")
        .order_by("id")
    )
    changed = []
    for check in candidates.iterator(chunk_size=BATCH):
        final_url = without_credentials(check.final_url)
        redirects = [
            {
                **hop,
                "url": without_credentials(hop.get("url", "")),
                "location": without_credentials(hop.get("location", "")),
            }
            for hop in check.redirects
        ]
        if (final_url, redirects) != (check.final_url, check.redirects):
            check.final_url, check.redirects = final_url, redirects
            changed.append(check)
        if len(changed) >= BATCH:
            LivenessCheck.objects.bulk_update(changed, ["final_url", "redirects"])
            changed = []
    LivenessCheck.objects.bulk_update(changed, ["final_url", "redirects"])


class Migration(migrations.Migration):
    dependencies = [
        ("enrichment", "0002_liveness_error_kind"),
        ("reports", "0005_as_typed_without_credentials"),
    ]

    operations = [
        migrations.RunPython(liveness_urls_without_credentials, migrations.RunPython.noop, elidable=True),
    ]
