"""Writing: API keys made and revoked, partners' reports stored."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from memberapi import keys
from memberapi.models import ApiKey, Member, PartnerReport, Scope
from reports.addresses import AddressError, canonicalize, url_sha256
from reports.services import AddressInput, report_submit
from staff.audit import audit_record
from staff.models import AuditEvent

KEY_ATTEMPTS = 5


class ApiKeyError(ValueError):
    """The key cannot be made as asked; the message is for the manager."""


def api_key_create(
    *,
    member: Member,
    name: str,
    scopes: Sequence[str],
    expires_at: datetime,
    rate_limit: str = "",
    created_by=None,
    request=None,
) -> tuple[ApiKey, str]:
    """Make a key and return it with the key itself, which is never available again."""
    unknown = set(scopes) - set(Scope.values)
    if not scopes or unknown:
        raise ApiKeyError(f"Choose at least one scope from {', '.join(Scope.values)}.")
    for _ in range(KEY_ATTEMPTS):
        prefix, key = keys.key_generate()
        try:
            with transaction.atomic():
                api_key = ApiKey.objects.create(
                    member=member,
                    name=name,
                    prefix=prefix,
                    secret_hash=keys.key_hash(key),
                    scopes=" ".join(s for s in Scope.values if s in scopes),
                    rate_limit=rate_limit,
                    expires_at=expires_at,
                    created_by=created_by,
                )
                audit_record(
                    actor=created_by,
                    action=AuditEvent.Action.API_KEY_CREATED,
                    target=api_key,
                    summary=f"Key rsk_{prefix}_… “{name}” for {member.name}"[:300],
                    # Never the key nor its hash: the prefix names it.
                    details={"member": member.pk, "prefix": prefix, "scopes": api_key.scope_list(),
                             "expires_at": expires_at.isoformat()},
                    request=request,
                )  # fmt: skip
            return api_key, key
        except IntegrityError:
            continue  # A prefix drawn twice (one in 10^12): draw again.
    raise RuntimeError("could not draw a unique API key prefix")


def api_key_revoke(*, api_key: ApiKey, by, request=None) -> bool:
    """Revoke a key at once; False if it was already revoked."""
    now = timezone.now()
    with transaction.atomic():
        if not ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(revoked_at=now, revoked_by=by):
            return False
        audit_record(
            actor=by,
            action=AuditEvent.Action.API_KEY_REVOKED,
            target=api_key,
            summary=f"Key rsk_{api_key.prefix}_… “{api_key.name}” of {api_key.member.name}"[:300],
            details={"member": api_key.member_id, "prefix": api_key.prefix},
            request=request,
        )
    api_key.revoked_at, api_key.revoked_by = now, by
    return True


def api_key_used(*, api_key: ApiKey, at: datetime | None = None) -> None:
    """Count one use. A single UPDATE in autocommit: no lost counts, no lock held past it."""
    ApiKey.objects.filter(pk=api_key.pk).update(use_count=F("use_count") + 1, last_used_at=at or timezone.now())


# --- Partners' reports ----------------------------------------------------------------


@dataclass(frozen=True)
class AddressRefusal:
    index: int
    error: str


class AddressesRefused(ValueError):
    """Some addresses were refused; nothing was stored."""

    def __init__(self, refusals: list[AddressRefusal]) -> None:
        super().__init__(f"{len(refusals)} addresses refused")
        self.refusals = refusals


class ReferenceConflict(ValueError):
    """The reference was used before for a different report."""


def _digest(addresses: Sequence[str], seen: str, found_on: str, description: str) -> str:
    body = {"addresses": list(addresses), "seen": seen, "found_on": found_on, "description": description}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def _existing(member: Member, reference: str, digest: str) -> PartnerReport | None:
    found = PartnerReport.objects.filter(member=member, reference=reference).first()
    if found is not None and found.request_digest != digest:
        raise ReferenceConflict(reference)
    return found


def partner_report_submit(
    *,
    member: Member,
    reference: str,
    addresses: Sequence[str],
    seen: str,
    found_on: str,
    description: str = "",
) -> tuple[PartnerReport, bool]:
    """Store a partner's report as the public form would; returns it and whether it is new.

    The same validation and canonical form as the form, one record per
    address, enrichment queued after the commit (reports.services.report_submit).
    All or nothing: if any address is refused, nothing is stored and every
    refusal is raised at once, so the partner can fix them and send the same
    reference again. A repeat of a stored reference returns the stored
    report; a repeat with a different body raises ReferenceConflict.
    """
    digest = _digest(addresses, seen, found_on, description)
    existing = _existing(member, reference, digest)
    if existing is not None:
        return existing, False
    accepted: list[AddressInput] = []
    refusals: list[AddressRefusal] = []
    for index, typed in enumerate(addresses):
        try:
            accepted.append(AddressInput(as_typed=typed.strip(), canonical=canonicalize(typed)))
        except AddressError as exc:
            refusals.append(AddressRefusal(index=index, error=exc.message))
    if refusals:
        raise AddressesRefused(refusals)
    try:
        with transaction.atomic():
            submission = report_submit(
                addresses=accepted, seen=seen, found_on=found_on, description=description, language="en"
            )
            report = submission.report
            response = {
                "reference": reference,
                "hotline_reference": report.reference,
                "received_at": report.received_at.isoformat().replace("+00:00", "Z"),
                "addresses": [
                    {"index": index, "url": a.canonical, "sha256": url_sha256(a.canonical)}
                    for index, a in enumerate(accepted)
                ],
            }
            created = PartnerReport.objects.create(
                member=member, reference=reference, report=report, request_digest=digest, response=response
            )
    except IntegrityError:
        # The same reference sent twice at once: the other request stored it
        # and this one rolled back whole (its report too, and its queueing).
        existing = _existing(member, reference, digest)
        if existing is None:
            raise
        return existing, False
    return created, True
