"""Daily aggregates behind the managers' dashboard.

The dashboard never counts the large tables on a page view: a beat task
(dashboard.tasks.refresh_daily_stats) keeps one row per day, metric and key
here, and `manage.py dashboard_rebuild` recomputes every day from scratch.
A year of figures is a few tens of thousands of rows, read through the
unique index (metric, day, key).

Durations (report → assessment, notice → removal) cannot be summed into
percentiles, so they are kept as histograms: one row per day and fixed
bucket (dashboard.buckets), whose counts do add up across days and weeks.
"""

from __future__ import annotations

from django.db import models


class Metric(models.TextChoices):
    REPORTS = "reports", "Reports received"
    ADDRESSES = "addresses", "Addresses received"
    FOUND_ON = "found_on", "Reports by where the address was found"
    ASSESSMENTS = "assessments", "Assessments by outcome"
    AGE_GROUP = "age_group", "Criminal assessments by age group"
    SITE_TYPE = "site_type", "Criminal assessments by site type"
    ANALYST_OUTCOME = "analyst_outcome", "Assessments by analyst and outcome"
    HOSTING_COUNTRY = "hosting_country", "Confirmed records by hosting country"
    ROUTE = "route", "Confirmed records by route"
    ASSESS_DELAY = "assess_delay", "Report to assessment (histogram)"
    REMOVED = "removed", "Takedowns closed by status"
    REMOVAL_DELAY = "removal_delay", "First notice to removal (histogram)"
    NOTICES_SENT = "notices_sent", "Notice batches sent by channel"
    # The same counts per reporting portal, key "<portal id>|<key>". Kept apart so
    # the all-portals rows above stay one per key; reports from no portal (the
    # member API, before portals) are only in those.
    PORTAL_REPORTS = "portal_reports", "Reports received, by portal"
    PORTAL_ADDRESSES = "portal_addresses", "Addresses received, by portal"
    PORTAL_FOUND_ON = "portal_found_on", "Reports by where found, by portal"
    PORTAL_ASSESSMENTS = "portal_assessments", "Assessments by outcome, by the portal of the first report"


class DailyStat(models.Model):
    day = models.DateField()
    metric = models.CharField(max_length=24, choices=Metric.choices)
    # The dimension: an outcome, country, bucket number, "analyst id|outcome"; "" for a plain count.
    key = models.CharField(max_length=64, blank=True)
    count = models.BigIntegerField()

    class Meta:
        default_permissions = ()
        constraints = [
            # Also the index every dashboard read goes through: metric = … AND day BETWEEN ….
            models.UniqueConstraint(fields=["metric", "day", "key"], name="one_stat_per_metric_day_key"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.metric} {self.key}: {self.count}"


class StatsRefresh(models.Model):
    """One row: when the aggregates were last recomputed, shown as "figures as of"."""

    finished_at = models.DateTimeField()

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"aggregates refreshed at {self.finished_at}"
