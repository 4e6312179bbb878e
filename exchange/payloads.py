"""What a forward carries: the address and what a hotline needs to act on it, nothing of a reporter's.

One item per address in the batch (as ICCAM exchanges them):

    {"reference": "RS-0000042",            our reference, quoted back in every status
     "purpose": "initial",                  initial, or repeat (still there after TAKEDOWN_REPEAT_AFTER)
     "url": "https://…", "sha256": "…",     the canonical address in clear (the partner must find it)
     "first_seen": "2026-05-01T09:30:00Z",  when it was first reported to us
     "assessment": {"outcome": "criminal_a", "label": "Category A", "age_group": "7-10",
                    "iccam_age_group": "pre_pubescent", "site_type": "image_host", "commercial": false},
     "hosting": {"country": "NL", "network": "Example Hosting", "addresses": [{"ip": "192.0.2.1", "asn": 64500}]}}

Never sent: reports, their descriptions, reporters' contact details or
language, portals, analysts' names or notes, liveness history.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from django.conf import settings
from django.db.models import Prefetch

from enrichment.models import HostAddress
from takedown.models import Notice, NoticeBatch
from takedown.notices.render import purpose_rank, reference

# ICCAM records the youngest child as infant, pre-pubescent or pubescent.
ICCAM_AGE_GROUP = {
    "0-2": "infant",
    "3-6": "pre_pubescent",
    "7-10": "pre_pubescent",
    "11-13": "pubescent",
    "14-15": "pubescent",
    "16-17": "pubescent",
}


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _assessment(record) -> dict:
    triage = getattr(record, "triage", None)
    assessment = triage.assessment if triage is not None else None
    if assessment is None:
        return {}
    return {
        "outcome": assessment.outcome,
        "label": assessment.get_outcome_display(),
        "age_group": assessment.age_group,
        "iccam_age_group": ICCAM_AGE_GROUP.get(assessment.age_group, ""),
        "site_type": assessment.site_type,
        "commercial": assessment.commercial,
    }


def _hosting(record) -> dict:
    # host_addresses: prefetched for the whole batch in batch_items (one query, not one per address).
    return {
        "country": record.country_code or "",
        "network": record.network_name or "",
        "addresses": [{"ip": a.ip, "asn": a.asn} for a in record.host_addresses.all()],
    }


def batch_items(batch: NoticeBatch) -> list[dict]:
    notices = (
        Notice.objects.filter(batch=batch)
        .select_related("takedown__record__triage__assessment")
        .prefetch_related(Prefetch("takedown__record__host_addresses", queryset=HostAddress.objects.order_by("pk")))
    )
    items = []
    for notice in sorted(notices, key=lambda n: (purpose_rank(n.purpose), n.takedown_id)):
        record = notice.takedown.record
        items.append(
            {
                "reference": reference(record.pk),
                "purpose": notice.purpose,
                "url": record.url,
                "sha256": record.url_sha256,
                "first_seen": iso_utc(record.first_reported_at),
                "assessment": _assessment(record),
                "hosting": _hosting(record),
            }
        )
    return items


def forward_body(batch: NoticeBatch, items: list[dict]) -> bytes:
    document = {"idempotency_key": str(batch.key), "sent_by": settings.HOTLINE_NAME, "items": items}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
