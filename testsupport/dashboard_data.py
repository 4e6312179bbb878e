"""A small dataset whose every figure is known, for the dashboard's tests.

In the week of Monday 2 March 2026 (UTC):
  reports  r1 (2 Mar 10:00, website: A and B), r2 (2 Mar 12:00, social: A), r3 (3 Mar 09:00, website: C)
  assessed A criminal_a by analyst 30 min after its first report, confirmed; B not_illegal by senior after 2 h;
           C criminal_b by analyst after 4 h, confirmed
  takedowns A hosted NL (partner), removed 1 h after the notice; C hosted GB (home), unavailable after 30 min
And outside that week: r4 on 20 February naming D, assessed not_illegal.
"""

from __future__ import annotations

import hashlib
import itertools
from datetime import UTC, date, datetime, timedelta

from reports.models import Report, ReportedAddress, UrlRecord
from takedown.models import Takedown
from triage.models import Assessment, TriageState

WEEK_FIRST, WEEK_LAST = date(2026, 3, 2), date(2026, 3, 8)
OUTSIDE_DAY = date(2026, 2, 20)
_refs = itertools.count(1)


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def make_record(name: str, first: datetime, country: str = "") -> UrlRecord:
    url = f"https://{name}.example/x"
    return UrlRecord.objects.create(
        url=url,
        url_sha256=hashlib.sha256(url.encode()).hexdigest(),
        host=f"{name}.example",
        registrable_domain=f"{name}.example",
        country_code=country,
        first_reported_at=first,
        last_reported_at=first,
        enrichment_state="enriched",
    )


def make_report(received_at: datetime, found_on: str, *records: UrlRecord) -> Report:
    report = Report.objects.create(
        reference=f"T-{next(_refs):06d}", receipt_hash="0" * 64, seen="images", found_on=found_on,
        received_at=received_at,
    )  # fmt: skip
    for position, record in enumerate(records):
        ReportedAddress.objects.create(report=report, record=record, as_typed=record.url, position=position)
        UrlRecord.objects.filter(pk=record.pk).update(report_count=record.reports.count())
    return report


def assess(record, analyst, outcome: str, created_at: datetime, confirmed_by=None, **details) -> Assessment:
    criminal = outcome.startswith("criminal")
    assessment = Assessment.objects.create(
        record=record,
        analyst=analyst,
        outcome=outcome,
        created_at=created_at,
        age_group=details.get("age_group", "7-10") if criminal else "",
        sex="girls" if criminal else "",
        site_type=details.get("site_type", "image_host") if criminal else "",
        commercial=False if criminal else None,
        confirmed_by=confirmed_by,
        confirmed_at=created_at + timedelta(minutes=30) if confirmed_by else None,
    )
    status = "confirmed_criminal" if confirmed_by else ("awaiting_confirmation" if criminal else "no_action")
    TriageState.objects.update_or_create(record=record, defaults={"status": status, "assessment": assessment})
    return assessment


def make_takedown(record, *, route, country, notice_at: datetime, after: timedelta, status: str) -> Takedown:
    return Takedown.objects.create(
        record=record, route=route, reason="test", country_code=country, status=status,
        routed_at=notice_at - timedelta(hours=1), first_notice_at=notice_at, last_notice_at=notice_at,
        closed_at=notice_at + after, removal_after_notice=after,
        removal_after_report=notice_at + after - record.first_reported_at,
    )  # fmt: skip


def build(analyst, senior, senior2) -> dict[str, UrlRecord]:
    a = make_record("alpha", at(2, 10), "NL")
    b = make_record("bravo", at(2, 10), "US")
    c = make_record("charlie", at(3, 9), "GB")
    d = make_record("delta", at(20, 8, month=2), "DE")
    make_report(at(2, 10), "website", a, b)
    make_report(at(2, 12), "social", a)
    make_report(at(3, 9), "website", c)
    make_report(at(20, 8, month=2), "forum_chat", d)
    assess(a, analyst, "criminal_a", at(2, 10, 30), confirmed_by=senior, age_group="7-10", site_type="image_host")
    assess(b, senior, "not_illegal", at(2, 12))
    assess(c, analyst, "criminal_b", at(3, 13), confirmed_by=senior2, age_group="11-13", site_type="forum")
    assess(d, analyst, "not_illegal", at(20, 9, month=2))
    make_takedown(a, route="partner", country="NL", notice_at=at(2, 12), after=timedelta(hours=1),
                  status="content_removed")  # fmt: skip
    make_takedown(c, route="home", country="GB", notice_at=at(3, 15), after=timedelta(minutes=30),
                  status="content_unavailable")  # fmt: skip
    return {"a": a, "b": b, "c": c, "d": d}


WEEK_QUERY = {"start": WEEK_FIRST.isoformat(), "end": WEEK_LAST.isoformat()}
