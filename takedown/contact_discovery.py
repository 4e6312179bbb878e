"""Finding a missing abuse contact over RDAP, held until a manager approves it.

    home takedown held (awaiting_contact) ──on commit / beat──▶ lookup_abuse_contact(record_id)
        └─ contact_lookup: per address of the record, at most once per RDAP_RETRY_AFTER
              found ─▶ Recipient (hosting provider, source rdap, NOT approved) ─▶ manager approves
                       (takedown.contact_approval) ─▶ held takedowns routed again

`ContactLookup` (one row per address) is both the cache and the claim: a
worker first stamps the row, so two workers never ask about one address at
once, and a worker that dies leaves a failed row that is retried later.
Only metadata is kept: the address, the registry's network handle and
blocks, an organisation name and an email address.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from enrichment.models import HostAddress
from reports.models import UrlRecord
from reportsite import queueing
from staff.audit import audit_record
from staff.models import AuditEvent
from takedown import contacts, rdap
from takedown.models import ContactLookup, Recipient, Takedown

logger = logging.getLogger(__name__)
Outcome = ContactLookup.Outcome
IN_PROGRESS = "Look-up in progress (or its worker stopped)."


def _recently_looked_up(ips: list[str], now: datetime) -> set[str]:
    cutoff = now - settings.RDAP_RETRY_AFTER
    return set(ContactLookup.objects.filter(ip__in=ips, looked_up_at__gt=cutoff).values_list("ip", flat=True))


def _claim(ip: str, now: datetime) -> bool:
    """Stamp the address's look-up row as ours; False if it was asked about recently or another worker has it."""
    try:
        with transaction.atomic():
            row, created = ContactLookup.objects.get_or_create(
                ip=ip, defaults={"looked_up_at": now, "outcome": Outcome.FAILED, "error": IN_PROGRESS}
            )
    except IntegrityError:
        return False  # Another worker created it first.
    if created:
        return True
    if row.looked_up_at > now - settings.RDAP_RETRY_AFTER:
        return False
    # Conditional: of two workers that read the same stale row, one wins.
    return (
        ContactLookup.objects.filter(pk=row.pk, looked_up_at=row.looked_up_at).update(
            looked_up_at=now, outcome=Outcome.FAILED, error=IN_PROGRESS, server=""
        )
        == 1
    )


def _finish(ip: str, *, outcome: str, server: str = "", error: str = "", recipient: Recipient | None = None):
    lookup = ContactLookup.objects.get(ip=ip)
    lookup.outcome = outcome
    lookup.server = server[:500]
    lookup.error = error[:2000]
    lookup.recipient = recipient
    lookup.save(update_fields=["outcome", "server", "error", "recipient"])
    return lookup


def _contact_save(*, ip: str, record: UrlRecord, answer: rdap.RdapAnswer, now: datetime) -> ContactLookup:
    network = answer.network
    if network is None or not network.email:
        raise ValueError("only an answer with an abuse email is saved as a contact")
    # The same desk found before for another address of the same network.
    known = (
        Recipient.objects.filter(
            kind=Recipient.Kind.HOSTING_PROVIDER,
            source=Recipient.Source.RDAP,
            rdap_handle=network.handle,
            email__iexact=network.email,
        ).first()
        if network.handle
        else None
    )
    if known is not None and not known.active:
        # A manager said no to this one: do not put it in front of them again every day.
        return _finish(
            ip,
            outcome=Outcome.NONE,
            server=answer.server,
            error=f"Found {network.email} ({network.handle}) again, which was rejected or deactivated.",
        )
    if known is not None:
        return _finish(ip, outcome=Outcome.FOUND, server=answer.server, recipient=known)
    notes = [f"Found over RDAP for {ip} (network {network.name or '?'}, {network.handle or 'no handle'})."]
    recipient = Recipient.objects.create(
        kind=Recipient.Kind.HOSTING_PROVIDER,
        name=network.organisation or ip,
        email=network.email,
        cidrs="\n".join(network.cidrs),
        # No network name: a reassigned customer block found under a big provider would
        # otherwise match every other record on that provider by name. The blocks decide.
        network_names="",
        source=Recipient.Source.RDAP,
        approved=False,
        rdap_handle=network.handle,
        rdap_server=answer.server[:500],
        found_at=now,
        notes="\n".join(notes + list(network.notes)),
    )
    audit_record(
        actor=None,
        action=AuditEvent.Action.CONTACT_FOUND,
        target=recipient,
        summary=f"{recipient.name} <{recipient.email}> for {ip}, awaiting approval",
        details={"ip": ip, "record": record.pk, "handle": network.handle, "server": answer.server[:500]},
    )
    return _finish(ip, outcome=Outcome.FOUND, server=answer.server, recipient=recipient)


def _ip_lookup(ip: str, *, record: UrlRecord, now: datetime) -> ContactLookup:
    try:
        answer = rdap.abuse_lookup(ip)
    except rdap.RdapError as exc:
        logger.info("RDAP look-up of %s failed: %s", ip, exc)
        return _finish(ip, outcome=Outcome.FAILED, error=str(exc))
    if answer.network is None:
        return _finish(ip, outcome=Outcome.NONE, server=answer.server, error="No network for this address.")
    if not answer.network.email:
        return _finish(ip, outcome=Outcome.NONE, server=answer.server, error=" ".join(answer.network.notes))
    with transaction.atomic():
        return _contact_save(ip=ip, record=record, answer=answer, now=now)


def contact_lookup(*, record_id: int, now: datetime | None = None) -> ContactLookup | None:
    """Look up the abuse contact of a record's hosting addresses; the last look-up made, or None if none was.

    Nothing is asked when a hosting-provider contact already covers the
    record (approved or still waiting for approval), nor about an address
    asked about within RDAP_RETRY_AFTER. Stops at the first contact found.
    """
    now = now or timezone.now()
    record = UrlRecord.objects.filter(pk=record_id).first()
    if record is None or contacts.hosting_contact_for(record, include_unapproved=True) is not None:
        return None
    ips = list(dict.fromkeys(HostAddress.objects.filter(record=record).order_by("pk").values_list("ip", flat=True)))
    last: ContactLookup | None = None
    for ip in ips:
        if not _claim(ip, now):
            continue
        last = _ip_lookup(ip, record=record, now=now)
        if last.outcome == Outcome.FOUND:
            break
    return last


def _needs_lookup(record: UrlRecord, now: datetime) -> bool:
    ips = list(HostAddress.objects.filter(record=record).values_list("ip", flat=True))
    if not ips or not set(ips) - _recently_looked_up(ips, now):
        return False
    return contacts.hosting_contact_for(record, include_unapproved=True) is None


def _queue(record_id: int) -> None:
    queueing.enqueue_by_name("takedown.tasks.lookup_abuse_contact", record_id)


def lookups_queue_missing(*, limit: int = 200, now: datetime | None = None) -> int:
    """Queue a look-up for each held home takedown with no contact and no recent look-up; returns how many.

    The sweep behind the look-up queued when a takedown opens: a message
    lost with the broker is found again here.
    """
    now = now or timezone.now()
    held = (
        Takedown.objects.filter(status=Takedown.Status.AWAITING_CONTACT, route=Takedown.Route.HOME)
        .select_related("record")
        .order_by("routed_at")[:limit]
    )
    ids = [takedown.pk for takedown in held if _needs_lookup(takedown.record, now)]
    return queueing.send_until_failure(ids, _queue, what="abuse contact look-ups")


def lookup_queue_on_commit(takedown: Takedown) -> None:
    """A home takedown just held for want of a contact: look one up once it is committed."""
    if takedown.route != Takedown.Route.HOME or takedown.status != Takedown.Status.AWAITING_CONTACT:
        return
    # A broker that is down must not fail the confirmation; lookups_queue_missing queues it later.
    queueing.enqueue_on_commit("takedown.tasks.lookup_abuse_contact", takedown.pk)
