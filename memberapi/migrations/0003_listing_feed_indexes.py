"""Indexes for the feeds, built without blocking members' reads of the list on PostgreSQL."""

from django.db import migrations, models
from django.db.models.functions import Coalesce


class AddIndexConcurrentlyOnPostgres(migrations.AddIndex):
    """CREATE INDEX CONCURRENTLY on PostgreSQL (Listing is read all day); a plain index elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.add_index(model, self.index, concurrently=True)
            else:
                schema_editor.add_index(model, self.index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.remove_index(model, self.index, concurrently=True)
            else:
                schema_editor.remove_index(model, self.index)


class Migration(migrations.Migration):
    atomic = False  # CONCURRENTLY cannot run inside a transaction

    dependencies = [("memberapi", "0002_listing_feed_fields")]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="listing",
            index=models.Index(fields=["domain"], name="listing_dedicated_domain", condition=~models.Q(domain="")),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="listing",
            index=models.Index(fields=["listed_added_at"], name="listing_listed_added"),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="listing",
            index=models.Index(
                fields=["removed_added_at"],
                name="listing_removed_added",
                condition=models.Q(removed_added_at__isnull=False),
            ),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="listing",
            index=models.Index(Coalesce("removed_added_at", "listed_added_at"), name="listing_latest_added"),
        ),
    ]
