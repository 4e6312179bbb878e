"""A partial index for the takedown overview's open tabs: the takedowns not yet closed, oldest first.

Small (open takedowns only), so building it reads the table once and writes
little; the tabs' keyset pages then start at their cursor in it.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_fewer_indexes"),
        ("takedown", "0004_noticebatch_exchange_channel"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="takedown",
            index=models.Index(
                condition=models.Q(("status__in", ["content_removed", "content_unavailable", "moved"]), _negated=True),
                fields=["routed_at", "record"],
                name="takedown_open_routed",
            ),
        ),
    ]
