"""Make the audit trail append-only in the database itself (see staff/triggers.py)."""

from django.db import migrations

from staff import triggers


def forwards(apps, schema_editor):
    triggers.install(schema_editor)


def backwards(apps, schema_editor):
    triggers.remove(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("staff", "0001_audit_event")]

    operations = [migrations.RunPython(forwards, backwards)]
