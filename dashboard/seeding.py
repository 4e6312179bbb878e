"""A realistic synthetic history for demos and benchmarks: `manage.py seed_demo --reports N`.

Addresses are on reserved example hosts (`*.example`, RFC 2606), so nothing
here names a real site. About one address record per two reports (the same
address is reported again and again), a year of reports with weekly rhythm,
growth and a few campaign spikes, assessments by the demo analysts, four
eyes on criminal outcomes, takedowns routed by hosting country with notices
and removal times that differ by route (hours at home, days through partner
hotlines, weeks through the police elsewhere).

Rows are generated in Python with fixed ids and written with COPY on
PostgreSQL (executemany on SQLite), many times faster than the ORM: two
million reports load in minutes.
"""

from __future__ import annotations

import hashlib
import math
import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max

from reports.models import Report, ReportedAddress, UrlRecord
from takedown.models import Notice, NoticeBatch, Recipient, Takedown
from triage.models import Assessment, TriageState

YEAR = timedelta(days=365)
# Hosting countries of criminal material, roughly as hotlines' annual reports show them.
COUNTRIES = [
    ("NL", 26), ("US", 18), ("RU", 6), ("BG", 5), ("DE", 5), ("FR", 4), ("RO", 4), ("LV", 3), ("SK", 3),
    ("CA", 3), ("UA", 3), ("HK", 2), ("GB", 2), ("SE", 2), ("LU", 2), ("MD", 2), ("PL", 1), ("IS", 1),
    ("SG", 1), ("JP", 1), ("VN", 1), ("TH", 1), ("BR", 1), ("ZA", 1), ("MY", 1), ("TR", 1), ("", 2),
]  # fmt: skip
# Countries where a partner hotline takes the report (INHOPE members, abridged).
PARTNER_COUNTRIES = {"NL", "US", "DE", "FR", "BG", "RO", "LV", "SK", "CA", "SE", "LU", "PL", "IS", "JP", "ZA", "TR"}
NETWORKS = ["Demo Hosting", "Example Cloud", "Sample Datacentre", "Test Transit", "Placeholder Networks"]
HOST_WORDS = ["img", "pics", "share", "files", "media", "board", "vid", "cdn", "up", "box", "forum", "gal"]
OUTCOMES = [
    ("criminal_a", 8), ("criminal_b", 9), ("criminal_c", 11), ("criminal_non_photographic", 3), ("not_illegal", 38),
    ("outside_remit", 12), ("unreachable", 11), ("duplicate", 8),
]  # fmt: skip
AGE_GROUPS = [("0-2", 3), ("3-6", 12), ("7-10", 30), ("11-13", 40), ("14-15", 10), ("16-17", 5)]
SEXES = [("girls", 70), ("boys", 12), ("both", 15), ("unknown", 3)]
SITE_TYPES = [
    ("image_host", 40), ("cyberlocker", 15), ("forum", 10), ("website", 12), ("video_channel", 6),
    ("social_network", 5), ("blog", 4), ("chat", 3), ("search", 1), ("other", 4),
]  # fmt: skip
FOUND_ON = [
    ("website", 35), ("social", 20), ("search", 10), ("forum_chat", 12), ("file_sharing", 10), ("advert", 5),
    ("other", 8),
]  # fmt: skip
SEEN = [("images", 55), ("videos", 20), ("both", 15), ("not_sure", 10)]
# Median and spread (log-normal sigma) of first notice → removal, by route.
REMOVAL = {
    "home": (timedelta(hours=1), 0.9),
    "partner": (timedelta(days=2.5), 0.9),
    "law_enforcement": (timedelta(days=20), 1.0),
}
ASSESS_MEDIAN, ASSESS_SIGMA = timedelta(hours=4), 1.2
CONFIRM_MEDIAN, CONFIRM_SIGMA = timedelta(hours=1), 1.0


class Picker:
    """Weighted choice by bisection over cumulative weights: fast enough for millions of draws."""

    def __init__(self, rng: random.Random, weighted: Sequence[tuple[object, float]]):
        from itertools import accumulate

        self.values = [v for v, _ in weighted]
        self.cum = list(accumulate(w for _, w in weighted))
        self.rng = rng

    def __call__(self):
        from bisect import bisect_right

        return self.values[bisect_right(self.cum, self.rng.random() * self.cum[-1])]


def _lognormal(rng: random.Random, median: timedelta, sigma: float) -> timedelta:
    return median * math.exp(rng.gauss(0, sigma))


@dataclass
class Table:
    model: type[models.Model]
    columns: list[str]  # the columns our rows fill, in order
    rows: list[tuple] = field(default_factory=list)


@dataclass
class SeedResult:
    reports: int
    records: int
    rows: int
    seconds: float
    per_table: dict[str, int]


# --- Writing -----------------------------------------------------------------


def _full_columns(table: Table) -> tuple[list[str], tuple]:
    """Every concrete column: ours, then any other with its default (added by later migrations)."""
    extra_cols, extra_vals = [], []
    for f in table.model._meta.concrete_fields:
        if f.column in table.columns:
            continue
        if not f.null and not f.has_default():
            raise RuntimeError(f"seed_demo does not fill {table.model._meta.db_table}.{f.column}: add it")
        extra_cols.append(f.column)
        extra_vals.append(f.get_default() if f.has_default() else None)
    return table.columns + extra_cols, tuple(extra_vals)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    """One value in PostgreSQL COPY text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, timedelta):
        return f"{value.total_seconds()} seconds"
    return str(value)


def _sqlite_value(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, timedelta):
        return (value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds
    if isinstance(value, uuid.UUID):
        return value.hex
    return value


PROGRESS_EVERY = 100_000  # rows: a long table says how far it has got


def write(table: Table, chunk: int = 20_000, say: Callable[[str], None] | None = None) -> int:
    columns, extra = _full_columns(table)
    name = table.model._meta.db_table
    rows: Iterable[tuple] = (row + extra for row in table.rows) if extra else table.rows
    if say is not None and len(table.rows) > PROGRESS_EVERY:
        rows = _counted(rows, len(table.rows), name, say)
    raw = connection.connection
    quoted = f"{connection.ops.quote_name(name)} ({', '.join(connection.ops.quote_name(c) for c in columns)})"
    if connection.vendor == "postgresql":
        # COPY's text format built here: several times faster than write_row's per-value adaptation.
        with raw.cursor() as cursor, cursor.copy(f"COPY {quoted} FROM STDIN") as copy:
            lines: list[str] = []
            for row in rows:
                lines.append("\t".join(map(_copy_text, row)))
                if len(lines) >= chunk:
                    copy.write("\n".join(lines) + "\n")
                    lines = []
            if lines:
                copy.write("\n".join(lines) + "\n")
    else:
        # Table and column names come from our models, never from input.
        sql = f"INSERT INTO {quoted} VALUES ({', '.join('?' for _ in columns)})"  # noqa: S608
        batch: list[tuple] = []
        for row in rows:
            batch.append(tuple(_sqlite_value(v) for v in row))
            if len(batch) >= chunk:
                raw.executemany(sql, batch)
                batch = []
        if batch:
            raw.executemany(sql, batch)
    return len(table.rows)


def _counted(rows: Iterable[tuple], total: int, name: str, say: Callable[[str], None]) -> Iterator[tuple]:
    for done, row in enumerate(rows, start=1):
        yield row
        if done % PROGRESS_EVERY == 0:
            say(f"    {name}: {done:,} of {total:,} rows")


# --- Generating ------------------------------------------------------------------


def _report_times(rng: random.Random, count: int, now: datetime) -> Iterator[datetime]:
    """`count` moments over the year before `now`, in order: weekly rhythm, growth, evenings, spikes."""
    start = now - YEAR
    days = 365
    spikes = set(rng.sample(range(days), 3))
    weights = []
    for d in range(days):
        weekday = (start + timedelta(days=d)).weekday()
        w = (0.8 + 0.4 * d / days) * (0.85 if weekday >= 5 else 1.0) * rng.uniform(0.8, 1.2)
        weights.append(w * (3.0 if d in spikes else 1.0))
    total = sum(weights)
    per_day = [int(count * w / total) for w in weights]
    for i in range(count - sum(per_day)):
        per_day[-1 - i % days] += 1
    hour = Picker(rng, [(h, 1.0 + 0.8 * math.sin((h - 9) / 24 * 2 * math.pi)) for h in range(24)])
    for d, n in enumerate(per_day):
        day_start = start + timedelta(days=d)
        offsets = sorted(hour() * 3600 + rng.random() * 3600 for _ in range(n))
        for offset in offsets:
            moment = day_start + timedelta(seconds=offset)
            yield min(moment, now - timedelta(seconds=1))


def _ids(model: type[models.Model]) -> int:
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def _demo_people() -> tuple[list[int], list[int]]:
    """(all assessors, seniors) from demo_setup's accounts, creating them if need be."""
    from io import StringIO

    from django.core.management import call_command

    User = get_user_model()
    wanted = ["analyst", "senior", "senior2"]
    if User.objects.filter(username__in=wanted).count() < len(wanted):
        call_command("demo_setup", stdout=StringIO())
    ids = dict(User.objects.filter(username__in=wanted).values_list("username", "pk"))
    return [ids["analyst"], ids["senior"], ids["senior2"]], [ids["senior"], ids["senior2"]]


def _demo_recipients() -> dict[str, int]:
    made = {}
    for route, kind, name, email in (
        ("home", Recipient.Kind.HOSTING_PROVIDER, "Demo hosting abuse desk", "abuse@hosting.example"),
        ("partner", Recipient.Kind.PARTNER_HOTLINE, "Demo partner hotline", "reports@partner.example"),
        ("law_enforcement", Recipient.Kind.LAW_ENFORCEMENT, "Demo police channel (demo data)", "cyber@police.example"),
    ):
        recipient, _ = Recipient.objects.get_or_create(
            name=name, defaults={"kind": kind, "email": email, "notes": "Made by seed_demo.", "active": False}
        )
        made[route] = recipient.pk
    return made


def generate(*, reports: int, seed: int, now: datetime) -> tuple[list[Table], int]:
    rng = random.Random(seed)
    assessors, seniors = _demo_people()
    recipients = _demo_recipients()
    home = settings.HOME_COUNTRY
    pick_outcome, pick_age, pick_sex = Picker(rng, OUTCOMES), Picker(rng, AGE_GROUPS), Picker(rng, SEXES)
    pick_site, pick_found, pick_seen = Picker(rng, SITE_TYPES), Picker(rng, FOUND_ON), Picker(rng, SEEN)
    pick_assessor = Picker(rng, [(assessors[0], 5), (assessors[1], 3), (assessors[2], 2)])

    target_records = max(1, reports // 2)
    # Hosts: a few big ones carry much of the material (Zipf-like), each in one country.
    host_count = max(10, target_records // 25)
    pick_country = Picker(rng, COUNTRIES)
    hosts = []
    for h in range(host_count):
        word = HOST_WORDS[h % len(HOST_WORDS)]
        domain = f"{word}{h}.example"
        hosts.append((f"www.{domain}" if h % 3 else domain, domain, pick_country(), NETWORKS[h % len(NETWORKS)]))
    pick_host = Picker(rng, [(h, 1 / (1 + h) ** 0.8) for h in range(host_count)])

    record_id, report_id, line_id = _ids(UrlRecord), _ids(Report), _ids(ReportedAddress)
    assessment_id, batch_id, notice_id = _ids(Assessment), _ids(NoticeBatch), _ids(Notice)
    first_record_id = record_id

    t_records = Table(UrlRecord, ["id", "url", "url_sha256", "host", "registrable_domain", "country_code", "network_name", "online", "last_checked_at", "track_liveness", "report_count", "first_reported_at", "last_reported_at", "enrichment_state", "enrichment_attempts", "queued_at", "enriched_at", "enrichment_error"])  # fmt: skip  # noqa: E501
    t_reports = Table(Report, ["id", "reference", "receipt_hash", "seen", "found_on", "description", "contact_email", "language", "received_at"])  # fmt: skip  # noqa: E501
    t_lines = Table(ReportedAddress, ["id", "report_id", "record_id", "as_typed", "position"])
    t_assessments = Table(Assessment, ["id", "record_id", "analyst_id", "outcome", "duplicate_of_id", "age_group", "sex", "site_type", "commercial", "notes", "created_at", "bulk", "confirmed_by_id", "confirmed_at"])  # fmt: skip  # noqa: E501
    t_states = Table(TriageState, ["record_id", "status", "assessment_id", "started_at"])
    t_takedowns = Table(Takedown, ["record_id", "route", "reason", "country_code", "recipient_id", "status", "routed_at", "cycle", "first_notice_at", "last_notice_at", "escalated_at", "gone_checks", "closed_at", "removal_after_report", "removal_after_notice"])  # fmt: skip  # noqa: E501
    t_batches = Table(NoticeBatch, ["id", "recipient_id", "channel", "key", "created_at", "state", "attempts", "next_attempt_at", "sent_at", "last_error", "subject", "body"])  # fmt: skip  # noqa: E501
    t_notices = Table(Notice, ["id", "takedown_id", "recipient_id", "purpose", "cycle", "created_at", "batch_id"])

    # 1. Reports and the records they name, in time order (a record's id follows its first report).
    first_seen: list[datetime] = []
    counts: list[int] = []
    last_seen: list[datetime] = []
    urls: list[str] = []
    record_host: list[int] = []
    new_share = target_records / (reports * 1.25)
    for received_at in _report_times(rng, reports, now):
        t_reports.rows.append(
            (report_id, f"D-{report_id:010d}", "0" * 64, pick_seen(), pick_found(), "", "", "en", received_at)
        )
        n_lines = 1 if rng.random() < 0.8 else (2 if rng.random() < 0.75 else 3)
        named: set[int] = set()
        for position in range(n_lines):
            made = len(first_seen)
            if made == 0 or rng.random() < new_share:
                index = made
                h = pick_host()
                host, _domain, _country, _net = hosts[h]
                url = f"https://{host}/{rng.choice(('i', 'v', 'f', 'g', 't'))}/{index:x}{rng.getrandbits(24):06x}"
                urls.append(url)
                record_host.append(h)
                first_seen.append(received_at)
                last_seen.append(received_at)
                counts.append(1)
            else:
                # Repeats are mostly of recent addresses: the same link circulates for a while.
                span = min(made, 5000) if rng.random() < 0.8 else made
                index = made - 1 - int(rng.random() * span)
                if index in named:
                    continue
                counts[index] += 1
                last_seen[index] = received_at
            named.add(index)
            t_lines.rows.append((line_id, report_id, first_record_id + index, urls[index], position))
            line_id += 1
        report_id += 1

    # 2. Records, their assessments, triage states and takedowns.
    batches: dict[tuple[int, datetime], int] = {}
    for index, first in enumerate(first_seen):
        rid = first_record_id + index
        host, domain, country, network = hosts[record_host[index]]
        age = now - first
        if age < timedelta(minutes=3):
            state, enriched_at, queued_at = ("new" if rng.random() < 0.5 else "queued"), None, first
        elif rng.random() < 0.004:
            state, enriched_at, queued_at = "failed", first + timedelta(minutes=10), first
        else:
            state, enriched_at, queued_at = "enriched", first + timedelta(seconds=20 + rng.random() * 60), first
        if state == "new":
            queued_at = None
        url = urls[index]
        online = None if enriched_at is None else rng.random() < 0.7
        t_records.rows.append((
            rid, url, hashlib.sha256(url.encode()).hexdigest(), host, domain, country if enriched_at else "",
            network if enriched_at else "", online, enriched_at, False, counts[index], first, last_seen[index],
            state, 1 if state != "new" else 0, queued_at, enriched_at, "demo: DNS timeout" if state == "failed" else "",
        ))  # fmt: skip
        if enriched_at is None:
            continue
        assessed_at = first + _lognormal(rng, ASSESS_MEDIAN, ASSESS_SIGMA)
        if assessed_at >= now:
            t_states.rows.append((rid, "awaiting_assessment", None, None))
            continue
        outcome = pick_outcome()
        if outcome == "duplicate" and index == 0:
            outcome = "not_illegal"
        analyst = pick_assessor()
        criminal = outcome.startswith("criminal")
        confirmed_by = confirmed_at = None
        status = "no_action"
        if criminal:
            confirmed_at = assessed_at + _lognormal(rng, CONFIRM_MEDIAN, CONFIRM_SIGMA)
            if confirmed_at >= now:
                confirmed_at, status = None, "awaiting_confirmation"
            else:
                confirmed_by = next(s for s in (seniors if rng.random() < 0.5 else seniors[::-1]) if s != analyst)
                status = "confirmed_criminal"
        t_assessments.rows.append((
            assessment_id, rid, analyst, outcome, rid - 1 if outcome == "duplicate" else None,
            pick_age() if criminal else "", pick_sex() if criminal else "", pick_site() if criminal else "",
            (rng.random() < 0.1) if criminal else None, "", assessed_at, False, confirmed_by, confirmed_at,
        ))  # fmt: skip
        t_states.rows.append((rid, status, assessment_id, assessed_at - timedelta(minutes=2 + rng.random() * 10)))
        assessment_id += 1
        if status != "confirmed_criminal":
            continue

        route = "home" if country == home else "partner" if country in PARTNER_COUNTRIES else "law_enforcement"
        recipient = recipients[route]
        # Notices go out at the end of the hour's batching window.
        notice_at = confirmed_at.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        closed_at = removal = None
        escalated_at = None
        if notice_at >= now:
            status, first_notice = "awaiting_notice", None
        else:
            first_notice = notice_at
            key = (recipient, notice_at)
            if key not in batches:
                batches[key] = batch_id
                t_batches.rows.append((
                    batch_id, recipient, "email", uuid.UUID(int=rng.getrandbits(128), version=4),
                    notice_at - timedelta(hours=1), "sent", 1, notice_at, notice_at, "", "Demo notice", "",
                ))  # fmt: skip
                batch_id += 1
            t_notices.rows.append((notice_id, rid, recipient, "initial", 0, confirmed_at, batches[key]))
            notice_id += 1
            median, sigma = REMOVAL[route]
            removal = _lognormal(rng, median, sigma)
            if notice_at + removal < now:
                closed_at = notice_at + removal
                status = "content_removed" if rng.random() < 0.85 else "content_unavailable"
            else:
                removal = None
                status = {"home": "notice_sent", "partner": "forwarded_partner"}.get(route, "forwarded_law_enforcement")
                if route != "law_enforcement" and now - notice_at > settings.TAKEDOWN_ESCALATE_AFTER:
                    escalated_at = notice_at + settings.TAKEDOWN_ESCALATE_AFTER
        t_takedowns.rows.append((
            rid, route, f"Demo data: hosted in {country or 'an unknown country'}.", country, recipient, status,
            confirmed_at, 0, first_notice, first_notice, escalated_at, 0, closed_at,
            (closed_at - first) if closed_at else None, removal,
        ))  # fmt: skip

    # A few notices failing lately, for the machinery section.
    for i in range(2):
        at = now - timedelta(hours=3 + i)
        t_batches.rows.append((
            batch_id, recipients["home"], "email", uuid.UUID(int=rng.getrandbits(128), version=4), at, "failed",
            settings.NOTICE_MAX_ATTEMPTS, at, None, "demo: connection refused", "Demo notice", "",
        ))  # fmt: skip
        batch_id += 1

    tables = [t_records, t_reports, t_lines, t_assessments, t_states, t_takedowns, t_batches, t_notices]
    return tables, len(first_seen)


def seed(*, reports: int, seed: int = 1, now: datetime | None = None, say: Callable[[str], None] = print) -> SeedResult:
    if Report.objects.exists():
        raise ValueError("the database already holds reports: seed an empty one (a fresh DATABASE_URL or VAR_DIR)")
    now = now or datetime.now(UTC)
    started = time.perf_counter()
    tables, records = generate(reports=reports, seed=seed, now=now)
    generated = time.perf_counter()
    say(f"generated {sum(len(t.rows) for t in tables):,} rows in {generated - started:.1f} s")
    per_table = {}
    with transaction.atomic():
        for table in tables:
            t0 = time.perf_counter()
            per_table[table.model._meta.db_table] = write(table, say=say)
            took, n = time.perf_counter() - t0, len(table.rows)
            say(f"  {table.model._meta.db_table:<26} {n:>10,} rows {took:6.1f} s ({n / max(took, 1e-6):,.0f} rows/s)")
            table.rows = []  # free memory as we go
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [t.model for t in tables]):
                cursor.execute(sql)
    from triage.priority import queue_reprioritise_all

    ranked = queue_reprioritise_all(now=now)  # the waiting rows' place in the queue (COPY left it 0)
    say(f"ranked {ranked:,} waiting records")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    written = time.perf_counter()
    rows = sum(per_table.values())
    say(f"wrote {rows:,} rows in {written - generated:.1f} s ({rows / max(written - generated, 1e-6):,.0f} rows/s)")
    from dashboard.aggregates import stats_rebuild

    aggregates = stats_rebuild(
        today=now.date(), progress=lambda first, last, _rows: say(f"  aggregates up to {last:%Y-%m-%d}")
    )
    rebuilt = time.perf_counter()
    say(f"rebuilt {aggregates:,} aggregate rows in {rebuilt - written:.1f} s")
    # Seeded takedowns bypass the transactions that tell the URL list of each change;
    # without this a demo's /api/v1/urllist/ stays empty until `manage.py urllist_sync`.
    from memberapi.sequencing import urllist_sync

    listed = urllist_sync(progress=lambda done, total: say(f"  URL list: {done:,} of {total:,} records settled"))
    say(f"URL list: {listed['added']:,} addresses listed in {time.perf_counter() - rebuilt:.1f} s")
    if connection.vendor == "postgresql" and connection.get_autocommit():
        # As autovacuum would later: the dashboard's first reads are then as fast as its later ones.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE dashboard_dailystat")
    return SeedResult(reports, records, rows, time.perf_counter() - started, per_table)
