"""Fewer indexes for every report's inserts to keep up to date.

Django gives a unique or indexed CharField on PostgreSQL a second, LIKE-pattern
index (varchar_pattern_ops) besides the plain one; nothing queries these
columns with LIKE, so the same uniqueness and indexes now come from Meta, which
adds none. The report_id index of ReportedAddress duplicated the leading column
of the unique (report, record) index. Six indexes fewer in all (23 -> 17 across
reports, records and reported addresses); the same look-ups stay indexed.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("portals", "0002_default_portal"),
        ("reports", "0003_report_portal"),
    ]

    operations = [
        migrations.AlterField(
            model_name="report",
            name="reference",
            field=models.CharField(max_length=16),
        ),
        migrations.AlterField(
            model_name="reportedaddress",
            name="report",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="addresses",
                to="reports.report",
            ),
        ),
        migrations.AlterField(
            model_name="urlrecord",
            name="country_code",
            field=models.CharField(blank=True, max_length=2),
        ),
        migrations.AlterField(
            model_name="urlrecord",
            name="host",
            field=models.CharField(max_length=255),
        ),
        migrations.AlterField(
            model_name="urlrecord",
            name="registrable_domain",
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AlterField(
            model_name="urlrecord",
            name="url_sha256",
            field=models.CharField(max_length=64),
        ),
        migrations.AddIndex(
            model_name="urlrecord",
            index=models.Index(fields=["host"], name="urlrecord_host"),
        ),
        migrations.AddIndex(
            model_name="urlrecord",
            index=models.Index(fields=["registrable_domain"], name="urlrecord_registrable_domain"),
        ),
        migrations.AddIndex(
            model_name="urlrecord",
            index=models.Index(fields=["country_code"], name="urlrecord_country_code"),
        ),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.UniqueConstraint(fields=("reference",), name="report_reference_unique"),
        ),
        migrations.AddConstraint(
            model_name="urlrecord",
            constraint=models.UniqueConstraint(fields=("url_sha256",), name="urlrecord_url_sha256_unique"),
        ),
    ]
