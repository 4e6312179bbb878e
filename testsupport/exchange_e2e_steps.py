"""Steps the two-hotline test runs inside each instance: `python -m testsupport.exchange_e2e_steps STEP JSON`.

Each step runs with that instance's environment (its DATABASE_URL, HOME_COUNTRY,
HOTLINE_NAME, …), calls the same services the pages and the beat call, and
prints one JSON line. Background work runs inline (no broker, EMBEDDED_BACKGROUND
false), as it does in each server process.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reportsite.settings")
    import django

    django.setup()


def _staff(username: str, role: str):
    from django.contrib.auth import get_user_model

    from testsupport.personas import make_staff

    user = get_user_model().objects.filter(username=username).first()
    return user or make_staff(role, username, is_staff=role == "manager")


def members(*, partner_name: str) -> dict:
    """Staff of this hotline, and the member (with an exchange key) the partner calls us as."""
    from django.utils import timezone

    from memberapi.models import Member
    from memberapi.services import api_key_create
    from staff.roles import roles_sync

    roles_sync()
    for username, role in (("analyst", "analyst"), ("senior", "senior"), ("senior2", "senior"), ("manager", "manager")):
        _staff(username, role)
    member = Member.objects.create(name=partner_name, contact_email="exchange@partner.example")
    _key, key = api_key_create(
        member=member, name="report exchange", scopes=["exchange"], expires_at=timezone.now() + timedelta(days=30)
    )
    return {"key": key}


def partner(*, name: str, api_url: str, api_key: str, secret: str, routes_to: str = "") -> dict:
    """Set the partner up for the exchange; `routes_to`: the countries we forward to it (if any)."""
    from exchange.models import ExchangePartner
    from memberapi.models import Member
    from takedown.models import Recipient

    recipient = None
    if routes_to:
        recipient = Recipient.objects.create(
            kind=Recipient.Kind.PARTNER_HOTLINE, name=name, email="hotline@partner.example", countries=routes_to
        )
    else:
        # Our own home hosting provider's abuse desk, for our notices.
        Recipient.objects.create(
            kind=Recipient.Kind.HOSTING_PROVIDER,
            name="Example Hosting",
            email="abuse@host.example",
            cidrs="192.0.2.0/24",
        )
    ExchangePartner.objects.create(
        name=name, recipient=recipient, member=Member.objects.get(name=name), api_url=api_url, api_key=api_key,
        secret=secret,
    )  # fmt: skip
    return {"ok": True}


def _locate(record, *, country: str) -> None:
    """What enrichment finds for a real host (addresses on .example have no DNS, hence no country)."""
    from enrichment.models import HostAddress

    record.country_code = country
    record.network_name = "EXAMPLE-NET"
    record.save(update_fields=["country_code", "network_name"])
    HostAddress.objects.get_or_create(
        record=record, ip="192.0.2.10",
        defaults={"country_code": country, "asn": 64500, "network_name": "EXAMPLE-NET", "geo_source": "test"},
    )  # fmt: skip


def _assess_and_confirm(record) -> None:
    from django.contrib.auth import get_user_model

    from testsupport.triage import assess
    from triage.services.assessments import assessment_confirm

    users = get_user_model().objects
    assessment = assess(users.get(username="analyst"), record, "criminal_a")
    assessment_confirm(assessment=assessment, confirmer=users.get(username="senior"))


def report_and_confirm(*, url: str, country: str) -> dict:
    """A public report of `url`, enriched (hosted in `country`), assessed and confirmed by two people."""
    from reports.addresses import canonicalize, url_sha256
    from reports.models import Report, UrlRecord
    from reports.services import AddressInput, report_submit
    from takedown.models import Takedown

    report_submit(
        addresses=[AddressInput(as_typed=url, canonical=canonicalize(url))],
        seen=Report.Seen.IMAGES,
        found_on=Report.FoundOn.WEBSITE,
        description="CANARY-REPORTER-DESCRIPTION",
        contact_email="canary-reporter@example.org",
    )
    record = UrlRecord.objects.get(url_sha256=url_sha256(canonicalize(url)))
    _locate(record, country=country)
    _assess_and_confirm(record)
    takedown = Takedown.objects.select_related("recipient").get(pk=record.pk)
    return {"record": record.pk, "route": takedown.route, "status": takedown.status,
            "channel": takedown.recipient.channel if takedown.recipient else None}  # fmt: skip


def run() -> dict:
    """One pass of the beat's work for notices and the exchange (exchange_run)."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("exchange_run", stdout=out)
    return json.loads(out.getvalue())


def make_due() -> dict:
    """Time passes: every retry waiting for its backoff is due now."""
    from django.utils import timezone

    from exchange.models import StatusUpdate
    from takedown.models import NoticeBatch

    now = timezone.now()
    return {
        "batches": NoticeBatch.objects.filter(state="pending").update(next_attempt_at=now),
        "updates": StatusUpdate.objects.filter(state="pending").update(next_attempt_at=now),
    }


def batches() -> dict:
    from takedown.models import NoticeBatch

    rows = NoticeBatch.objects.order_by("pk").values("pk", "channel", "state", "attempts", "last_error")
    return {"batches": list(rows)}


def inbound() -> dict:
    from exchange.models import InboundForward, StatusUpdate
    from reports.models import Report
    from triage.models import TriageState

    rows = []
    for i in InboundForward.objects.select_related("report").order_by("pk"):
        state = TriageState.objects.filter(pk=i.record_id).first()
        rows.append({
            "reference": i.reference, "record": i.record_id, "last_status": i.last_status,
            "triage": state.status if state else None, "description": i.report.description,
            "contact_email": i.report.contact_email, "metadata": i.metadata,
        })  # fmt: skip
    updates = list(StatusUpdate.objects.order_by("pk").values("status", "sequence", "state", "attempts", "last_error"))
    return {"inbound": rows, "reports": Report.objects.count(), "updates": updates}


def assess_forwarded(*, reference: str, country: str) -> dict:
    """Our analysts assess a forwarded record as any other: an analyst, then a second senior analyst."""
    from exchange.models import InboundForward
    from takedown.models import Takedown

    record = InboundForward.objects.get(reference=reference).record
    _locate(record, country=country)
    _assess_and_confirm(record)
    takedown = Takedown.objects.get(pk=record.pk)
    return {"record": record.pk, "route": takedown.route, "status": takedown.status}


def gone(*, reference: str) -> dict:
    """Our own re-checks find the content gone twice: our takedown closes as removed."""
    from exchange.models import InboundForward
    from takedown.models import Takedown
    from testsupport.takedown import check

    record = InboundForward.objects.get(reference=reference).record
    check(record, status=404)
    check(record, status=404)
    takedown = Takedown.objects.get(pk=record.pk)
    return {"status": takedown.status, "closed_at": _iso(takedown.closed_at)}


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _seconds(duration) -> float | None:
    return duration.total_seconds() if duration is not None else None


def record_view(*, record: int) -> dict:
    """What the forwarding hotline knows: the forward, each status, the takedown, and the record page."""
    from django.conf import settings

    from exchange.models import Forward
    from takedown.models import Takedown
    from testsupport.personas import FormClient, login_verified

    forward = Forward.objects.filter(record_id=record).first()
    takedown = Takedown.objects.get(pk=record)
    events = list(forward.events.values("sequence", "status", "outcome", "applied")) if forward else []
    from django.contrib.auth import get_user_model

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = login_verified(FormClient(), get_user_model().objects.get(username="analyst"))
    page = client.get(f"/triage/record/{record}/")
    return {
        "forward": {"status": forward.status, "partner_reference": forward.partner_reference,
                    "sequence": forward.sequence, "outcome": forward.outcome} if forward else None,
        "events": events,
        "takedown": {"status": takedown.status, "closed_at": _iso(takedown.closed_at),
                     "after_report_s": _seconds(takedown.removal_after_report),
                     "after_notice_s": _seconds(takedown.removal_after_notice)},
        "page_status": page.status_code,
        "page": page.content.decode(),
    }  # fmt: skip


STEPS = {f.__name__: f for f in (members, partner, report_and_confirm, run, make_due, batches, inbound,
                                  assess_forwarded, gone, record_view)}  # fmt: skip

if __name__ == "__main__":
    _setup()
    result = STEPS[sys.argv[1]](**json.loads(sys.argv[2] if len(sys.argv) > 2 else "{}"))
    print("RESULT " + json.dumps(result, default=str))
