"""The partner's side: a forwarded address becomes a report in our queue, once.

Each item becomes a report of one address (as if reported to us, in English,
with no reporter), whose description says who forwarded it and what they
found; our analysts assess it as any other, by our own rules (four eyes for
criminal outcomes). The partner's reference is unique per partner: a repeat
delivery (the same Idempotency-Key after a lost answer), a repeat notice or
a re-forward after a comeback is answered "received" again and changes nothing.
All or nothing: one refused address refuses the whole delivery.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from exchange.models import RANK, ExchangePartner, InboundForward, Status
from exchange.payloads import iso_utc
from reports.addresses import AddressError, canonicalize, url_sha256
from reports.models import Report, UrlRecord
from reports.services import AddressInput, report_submit
from takedown.notices.render import reference as our_reference

MAX_ITEMS = 500


class ForwardInvalid(ValueError):
    """The delivery cannot be taken; nothing was stored. `errors` name the items."""

    def __init__(self, message: str, errors: list[dict] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


@dataclass(frozen=True)
class Item:
    reference: str
    canonical: str
    as_sent: str
    metadata: dict


def _text(value, limit: int = 100) -> str:
    return value[:limit] if isinstance(value, str) else ""


def items_parse(document) -> list[Item]:
    items = document.get("items") if isinstance(document, dict) else None
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_ITEMS:
        raise ForwardInvalid(f"Send an object with items: a list of 1 to {MAX_ITEMS} addresses.")
    parsed, errors, seen = [], [], set()
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            errors.append({"index": index, "error": "Each item must be an object."})
            continue
        reference, url = item.get("reference"), item.get("url")
        if not isinstance(reference, str) or not reference.strip() or len(reference) > 40:
            errors.append({"index": index, "error": "reference: your reference, 1 to 40 characters."})
            continue
        if reference in seen:
            errors.append({"index": index, "error": "reference: given twice in one delivery."})
            continue
        seen.add(reference)
        try:
            canonical = canonicalize(url if isinstance(url, str) else "")
        except AddressError as exc:
            errors.append({"index": index, "error": f"url: {exc.message}"})
            continue
        assessment = item.get("assessment") if isinstance(item.get("assessment"), dict) else {}
        hosting = item.get("hosting") if isinstance(item.get("hosting"), dict) else {}
        addresses = hosting.get("addresses") if isinstance(hosting.get("addresses"), list) else []
        metadata = {
            "purpose": _text(item.get("purpose"), 16),
            "first_seen": _text(item.get("first_seen"), 32),
            "assessment": {k: assessment.get(k) for k in ("outcome", "label", "age_group", "iccam_age_group",
                                                          "site_type", "commercial") if k in assessment},
            "hosting": {
                "country": _text(hosting.get("country"), 2),
                "network": _text(hosting.get("network"), 255),
                "addresses": [
                    {"ip": _text(a.get("ip"), 45), "asn": a.get("asn") if isinstance(a.get("asn"), int) else None}
                    for a in addresses[:20] if isinstance(a, dict)
                ],
            },
        }  # fmt: skip
        parsed.append(Item(reference=reference.strip(), canonical=canonical, as_sent=url, metadata=metadata))
    if errors:
        raise ForwardInvalid("Some items were refused; nothing was stored. Fix them and send again.", errors)
    return parsed


def _description(partner: ExchangePartner, item: Item) -> str:
    meta = item.metadata
    found = meta["assessment"]
    hosting = meta["hosting"]
    parts = [f"Forwarded by partner hotline {partner.name}, their reference {item.reference}."]
    from triage.models import SiteType

    if found.get("site_type") in SiteType.values:
        found = found | {"site_type": SiteType(found["site_type"]).label.lower()}
    if found.get("label"):
        details = ", ".join(
            str(v) for v in (found.get("label"), found.get("age_group") and f"age {found['age_group']}",
                             found.get("site_type")) if v
        )  # fmt: skip
        parts.append(f"Their assessment: {details}.")
    if hosting.get("country") or hosting.get("network"):
        ips = ", ".join(a["ip"] for a in hosting["addresses"] if a.get("ip"))
        parts.append(
            f"Hosting they found: {hosting.get('country') or '?'} {hosting.get('network') or ''} {ips}".strip()
        )
    return " ".join(parts)


def _answer(inbound: InboundForward) -> dict:
    return {
        "reference": inbound.reference,
        "partner_reference": our_reference(inbound.record_id),
        "status": Status.RECEIVED.value,
        "sequence": RANK[Status.RECEIVED],
        "at": iso_utc(inbound.received_at),
    }


def _store(partner: ExchangePartner, key: str, items: list[Item]) -> tuple[list[dict], int]:
    answers, created = [], 0
    with transaction.atomic():
        for item in items:
            inbound = InboundForward.objects.filter(partner=partner, reference=item.reference).first()
            if inbound is None:
                submission = report_submit(
                    addresses=[AddressInput(as_typed=item.as_sent.strip(), canonical=item.canonical)],
                    seen=Report.Seen.NOT_SURE,
                    found_on=Report.FoundOn.OTHER,
                    description=_description(partner, item),
                    language="en",
                )
                record = UrlRecord.objects.get(url_sha256=url_sha256(item.canonical))
                inbound = InboundForward.objects.create(
                    partner=partner,
                    reference=item.reference,
                    record=record,
                    report=submission.report,
                    idempotency_key=key,
                    metadata=item.metadata,
                )
                created += 1
            answers.append(_answer(inbound))
    return answers, created


def forward_receive(*, partner: ExchangePartner, key: str, document) -> tuple[dict, int]:
    """Take a partner's forward; returns our answer and how many addresses were new."""
    items = items_parse(document)
    try:
        answers, created = _store(partner, key, items)
    except IntegrityError:
        # The same delivery twice at once: the other stored it and this one rolled back whole.
        answers, created = _store(partner, key, items)
    if created:
        # Anything already decided about a known address (reported to us before) is owed at once.
        from exchange.statuses import statuses_sync_on_commit

        for inbound in InboundForward.objects.filter(partner=partner, reference__in=[i.reference for i in items]):
            statuses_sync_on_commit(inbound.record_id)
    return {"received": len(items), "new": created, "items": answers}, created
