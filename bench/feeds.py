"""The blocklist feeds on a list of realistic size: RPZ, TAXII 2.1 paging, MISP files.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reportsite .venv/bin/python bench/feeds.py [--entries 100000]

What it does: creates a fresh database `reportsite_bench_feeds` on
DATABASE_URL's server (dropped at the end), COPYs --entries listed addresses
as bench/urllist.py does and numbers them, spreads their dates added over
about --entries/1000 days (the IWF adds about 1,000 a day), marks one in a
hundred as a dedicated domain (about --entries/100 domains) and removes one
in ten (numbered in a second pass: revoked versions). Then, through the
whole Django stack with a real key (test client), best of --repeat:

  * GET the RPZ zone;
  * TAXII: the first page (limit 1000), a page from the middle
    (added_after), and a walk through every page with `next`;
  * MISP: manifest.json, one day's event file, hashes.csv.

It prints each time, and the walk's objects per second.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import urllist  # noqa: E402 - bench/urllist.py: database and COPY helpers

urllist.NAME = "reportsite_bench_feeds"
TAXII = {"HTTP_ACCEPT": "application/taxii+json;version=2.1"}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=100_000, help="addresses listed (default 100000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each request; the best is printed")
    args = parser.parse_args()
    if args.entries < 1000 or args.repeat < 1:
        parser.error("--entries must be at least 1000 and --repeat at least 1")
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        parser.error("DATABASE_URL must point at PostgreSQL")
    return args


def body_size(response) -> int:
    if response.streaming:
        return sum(len(piece) for piece in response.streaming_content)
    return len(response.content)


def best(repeat: int, run) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> None:
    args = parse_args()
    given = os.environ["DATABASE_URL"]
    url, admin_url = urllist.database_create(given)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reportsite.settings")
    try:
        import django

        django.setup()
        from datetime import timedelta

        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.urls import reverse
        from django.utils import timezone

        from feeds.identifiers import COLLECTION_ID
        from memberapi.models import Listing, Member
        from memberapi.sequencing import changes_sequence
        from memberapi.services import api_key_create

        call_command("migrate", verbosity=0)
        urllist.fill(args.entries)
        changes_sequence()
        seconds_apart = 86400 / 1000  # about 1,000 a day
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE memberapi_listing SET category = (ARRAY['A','B','C'])[1 + mod(id, 3)],"
                " listed_added_at = listed_added_at - make_interval(secs => (%s - listed_position) * %s),"
                " domain = CASE WHEN mod(id, 100) = 0 THEN 'dedicated' || id || '.example' ELSE '' END",
                [args.entries, seconds_apart],
            )
            cursor.execute(
                "INSERT INTO memberapi_listchange (record_id, listed, at) "
                "SELECT id, false, now() FROM reports_urlrecord WHERE mod(id, 10) = 5 ORDER BY id"
            )
        changes_sequence()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        member = Member.objects.create(name="Bench member", contact_email="bench@example.org")
        _, key = api_key_create(
            member=member, name="bench", scopes=["feeds:rpz", "feeds:taxii", "feeds:misp"],
            expires_at=timezone.now() + timedelta(days=1), rate_limit="100000/min",
        )  # fmt: skip
        client = Client(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_HOST="localhost")
        objects = reverse("feeds:taxii-objects", args=[COLLECTION_ID])
        middle = Listing.objects.get(listed_position=args.entries // 2).listed_added_at.isoformat()

        def walk() -> int:
            count, params = 0, {"limit": 1000}
            while True:
                envelope = client.get(objects, params, **TAXII).json()
                count += len(envelope.get("objects", []))
                if not envelope["more"]:
                    return count
                params = {"limit": 1000, "next": envelope["next"]}

        manifest = client.get(reverse("feeds:misp-manifest")).json()
        day = sorted(manifest)[len(manifest) // 2]
        runs = [
            ("RPZ zone", lambda: body_size(client.get(reverse("feeds:rpz")))),
            ("TAXII first page (1000)", lambda: body_size(client.get(objects, {"limit": 1000}, **TAXII))),
            (
                "TAXII page, added_after middle",
                lambda: body_size(
                    client.get(objects, {"limit": 1000, "added_after": middle.replace("+00:00", "Z")}, **TAXII)
                ),
            ),  # fmt: skip
            ("MISP manifest.json", lambda: body_size(client.get(reverse("feeds:misp-manifest")))),
            ("MISP one day's event", lambda: body_size(client.get(reverse("feeds:misp-event", args=[day])))),
            ("MISP hashes.csv", lambda: body_size(client.get(reverse("feeds:misp-hashes")))),
        ]
        print(f"$ DATABASE_URL={given} .venv/bin/python bench/feeds.py --entries {args.entries}")
        print(f"  {args.entries:,} listed, {args.entries // 10:,} removed, {args.entries // 100:,} dedicated domains, "
              f"{len(manifest)} days")  # fmt: skip
        for label, run in runs:
            seconds, size = best(args.repeat, run)
            print(f"  {label:32s} {seconds * 1000:8.1f} ms  {size / 1024:9.1f} KiB")
        seconds, count = best(1, walk)
        print(f"  {'TAXII walk, every page (next)':32s} {seconds:8.2f} s   {count:,} objects, {count / seconds:,.0f}/s")
        if count != args.entries:
            raise SystemExit(f"the walk saw {count} objects, not {args.entries}")
    finally:
        from django.db import connections

        connections.close_all()
        urllist.database_drop(admin_url)


if __name__ == "__main__":
    main()
