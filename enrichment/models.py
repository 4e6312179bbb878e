"""What enrichment learns about an address record, without opening it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from reports.models import UrlRecord


class HostAddress(models.Model):
    """One DNS answer for a record's host, with where that address is hosted."""

    record = models.ForeignKey(UrlRecord, on_delete=models.CASCADE, related_name="host_addresses")
    ip = models.GenericIPAddressField(unpack_ipv4=True)
    country_code = models.CharField(max_length=2, blank=True)
    country_name = models.CharField(max_length=80, blank=True)
    asn = models.PositiveBigIntegerField(null=True, blank=True)
    network_name = models.CharField(max_length=255, blank=True)
    geo_source = models.CharField(max_length=16)
    approximate = models.BooleanField(default=True)
    geo_data_date = models.CharField(max_length=32, blank=True)
    resolved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["record", "ip"], name="one_row_per_record_address")]
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.ip


class LivenessCheck(models.Model):
    """One look at whether an address answers: status and headers, never a body."""

    class Outcome(models.TextChoices):
        OK = "ok", "answered"
        BLOCKED = "blocked", "not checked (blocked target)"
        ERROR = "error", "no answer"

    record = models.ForeignKey(UrlRecord, on_delete=models.CASCADE, related_name="liveness_checks")
    checked_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    method = models.CharField(max_length=8, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=255, blank=True)
    content_length = models.PositiveBigIntegerField(null=True, blank=True)
    server = models.CharField(max_length=255, blank=True)
    final_url = models.TextField(blank=True)
    connected_ip = models.GenericIPAddressField(null=True, blank=True, unpack_ipv4=True)
    elapsed_ms = models.PositiveIntegerField(default=0)
    redirects = models.JSONField(default=list, blank=True)
    bytes_read = models.PositiveIntegerField(default=0)
    detail = models.TextField(blank=True, help_text="Why it was blocked, or the error.")
    # For outcome "error": no_dns, refused, timeout, dns_failure, tls, protocol or other
    # (see enrichment.liveness.CheckError). Takedown tracking reads it.
    error_kind = models.CharField(max_length=16, blank=True)

    class Meta:
        indexes = [models.Index(fields=["record", "-checked_at"], name="liveness_by_record")]
        ordering = ["-checked_at"]

    def __str__(self) -> str:
        return f"{self.record_id} {self.outcome} {self.status_code}"
