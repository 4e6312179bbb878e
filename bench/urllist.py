"""URL list export: the API's CSV against `psql \\copy` of the same rows, in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reportsite .venv/bin/python bench/urllist.py [--entries 100000]

What it does: creates a fresh database `reportsite_bench` on DATABASE_URL's
server (dropped at the end), migrates it, COPYs --entries address records and
one "listed" change for each, numbers the changes as a member's first read
would (memberapi.sequencing, timed), then exports the list --repeat times
each way and prints the best time of each and their ratio:

  * API: GET /api/v1/urllist/?format=csv with a real key, through the whole
    Django stack (middleware, authentication, throttle) via the test client,
    reading the streamed body into a file;
  * psql: `\\copy (SELECT the same columns and rows in the same order) TO file CSV HEADER`.

Also printed: rows and bytes of each (the row counts must agree) and how much
the process's peak memory grew during the API exports, which stays small
because the answer streams.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NAME = os.environ.get("BENCH_DB_NAME", "reportsite_bench")
COPY_SQL = (
    "SELECT url, url_sha256, category, listed_at FROM memberapi_listing "
    "WHERE removed_position IS NULL ORDER BY listed_position"
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=100_000, help="addresses on the list (default 100000)")
    parser.add_argument("--repeat", type=int, default=3, help="exports each way; the best is printed (default 3)")
    args = parser.parse_args()
    if args.entries < 1 or args.repeat < 1:
        parser.error("--entries and --repeat must be at least 1")
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        parser.error("DATABASE_URL must point at PostgreSQL (the comparison is with psql \\copy)")
    if shutil.which("psql") is None:
        parser.error("psql is not installed")
    return args


def database_create(base: str) -> tuple[str, str]:
    import psycopg
    from psycopg import sql

    admin_url = urlunsplit(urlsplit(base)._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(NAME)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(NAME)))
    return urlunsplit(urlsplit(base)._replace(path=f"/{NAME}")), admin_url


def database_drop(admin_url: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(NAME)))


def fill(entries: int) -> None:
    """COPY the records and their listing changes; categories spread over A, B and C."""
    import hashlib

    from django.db import connection
    from django.utils import timezone

    now = timezone.now().isoformat()
    records = io.StringIO()
    for n in range(1, entries + 1):
        url = f"http://host{n % 997}.example/gallery/{n}/index.html?page={n % 7}"
        digest = hashlib.sha256(url.encode()).hexdigest()
        records.write(f"{n}\t{url}\t{digest}\thost{n % 997}.example\t\t\t\tf\t0\t{now}\t{now}\tenriched\t0\t\n")
    changes = "".join(f"{n}\t{n}\tt\t{now}\n" for n in range(1, entries + 1))
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3 underneath Django's wrapper
        columns = (
            "id, url, url_sha256, host, registrable_domain, country_code, network_name, track_liveness, "
            "report_count, first_reported_at, last_reported_at, enrichment_state, enrichment_attempts, "
            "enrichment_error"
        )
        with raw.copy(f"COPY reports_urlrecord ({columns}) FROM STDIN") as copy:
            copy.write(records.getvalue())
        with raw.copy("COPY memberapi_listchange (id, record_id, listed, at) FROM STDIN") as copy:
            copy.write(changes)
        cursor.execute("SELECT setval('reports_urlrecord_id_seq', %s)", [entries])
        cursor.execute("SELECT setval('memberapi_listchange_id_seq', %s)", [entries])


def time_api(client, path: Path) -> tuple[float, int, int]:
    started = time.perf_counter()
    response = client.get("/api/v1/urllist/", {"format": "csv"})
    assert response.status_code == 200, response.status_code
    size = 0
    with path.open("wb") as out:
        for piece in response.streaming_content:
            out.write(piece)
            size += len(piece)
    response.close()
    elapsed = time.perf_counter() - started
    return elapsed, sum(1 for _ in path.open("rb")) - 1, size


def time_psql(url: str, path: Path) -> tuple[float, int, int]:
    started = time.perf_counter()
    command = f"\\copy ({COPY_SQL}) TO '{path}' WITH CSV HEADER"
    psql = shutil.which("psql") or "psql"
    subprocess.run([psql, url, "--quiet", "--no-psqlrc", "-c", command], check=True)  # noqa: S603 - our own URL
    elapsed = time.perf_counter() - started
    return elapsed, sum(1 for _ in path.open("rb")) - 1, path.stat().st_size


def main() -> None:
    args = parse_args()
    given = os.environ["DATABASE_URL"]
    url, admin_url = database_create(given)
    os.environ["DATABASE_URL"] = url
    os.environ["DATABASE_CONN_MAX_AGE"] = "60"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reportsite.settings")
    try:
        import django

        django.setup()
        from datetime import timedelta

        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.utils import timezone

        from memberapi.models import Member
        from memberapi.sequencing import changes_sequence
        from memberapi.services import api_key_create

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        fill(args.entries)
        filled = time.perf_counter() - started
        started = time.perf_counter()
        sequenced = changes_sequence()
        sequencing = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("UPDATE memberapi_listing SET category = (ARRAY['A','B','C'])[1 + id % 3]")
            cursor.execute("ANALYZE")
        member = Member.objects.create(name="Bench member", contact_email="bench@example.org")
        _, key = api_key_create(
            member=member, name="bench", scopes=["urllist:read"], expires_at=timezone.now() + timedelta(days=1),
            rate_limit="100000/min",
        )  # fmt: skip
        client = Client(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_HOST="localhost")

        with tempfile.TemporaryDirectory() as tmp:
            api_file, psql_file = Path(tmp) / "api.csv", Path(tmp) / "psql.csv"
            peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            api = min(time_api(client, api_file) for _ in range(args.repeat))
            peak_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before
            copy = min(time_psql(url, psql_file) for _ in range(args.repeat))

        command = f"DATABASE_URL={given} .venv/bin/python bench/urllist.py --entries {args.entries}"
        print(f"$ {command}")
        print(f"  entries on the list          {args.entries:,} (COPY in {filled:.2f} s)")
        print(f"  sequencing {sequenced:,} changes   {sequencing:.2f} s (a member's first read after they were made)")
        print(f"  API CSV export               {api[0]:.3f} s  ({api[1]:,} rows, {api[2] / 2**20:.1f} MiB)")
        print(f"  psql \\copy, same rows        {copy[0]:.3f} s  ({copy[1]:,} rows, {copy[2] / 2**20:.1f} MiB)")
        print(f"  API / psql                   {api[0] / copy[0]:.2f}x")
        print(f"  peak memory growth, API      {peak_growth / 1024:.1f} MiB (best of {args.repeat} each way)")
        if api[1] != copy[1]:
            raise SystemExit(f"row counts differ: API {api[1]}, psql {copy[1]}")
    finally:
        from django.db import connections

        connections.close_all()
        database_drop(admin_url)


if __name__ == "__main__":
    main()
