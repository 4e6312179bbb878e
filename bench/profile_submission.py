"""CPU time of one public report submission inside Django, and where it goes.

Runs the GET of the form and its POST through Django's test client in this
one process (middleware, templates, ORM and client libraries included; the
PostgreSQL and Redis servers' own time is not counted), on a fresh
PostgreSQL database with Redis as broker and cache, exactly the settings of
bench/submissions.py (rate limits off, no worker). Prints the median CPU
milliseconds (time.process_time) of the GET, the POST and the queries per
POST for reportsite's form and the floor's; with --profile, the functions
that take the POST's time (cProfile, sorted by cumulative time).

CPU time, unlike requests per second, hardly moves with the load of the
machine: this is the figure to compare before and after a change.

    .venv/bin/python bench/profile_submission.py [--count 200] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
REFERENCE = re.compile(r'id="reference"[^>]*>\s*([^<\s]+)\s*<')
DB_NAME = "reportsite_bench_profile"
FORM = "application/x-www-form-urlencoded"  # as a browser posts the form


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=200, help="submissions per target (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="submissions first, not measured (default 20)")
    parser.add_argument("--profile", action="store_true", help="print the cProfile of reportsite's POSTs")
    parser.add_argument("--top", type=int, default=45, help="functions shown with --profile (default 45)")
    parser.add_argument("--targets", default="floor,reportsite", help="which to measure, in order")
    parser.add_argument("--callers", default="", help="with --profile, also who calls the functions matching this")
    parser.add_argument(
        "--database",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="PostgreSQL server (a database on it is made and dropped)",
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9", help="broker and cache (flushed by no one)")
    return parser.parse_args()


def configure(args: argparse.Namespace) -> str:
    import psycopg

    admin = args.database
    with psycopg.connect(admin.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    url = admin.rsplit("/", 1)[0] + "/" + DB_NAME
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings_floor",
        DATABASE_URL=url,
        CELERY_BROKER_URL=args.redis,
        CACHE_URL=args.redis,
        SECRET_KEY="bench-profile-" + "x" * 40,
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
        REPORT_RATE_LIMIT="0",
        REPORT_GLOBAL_RATE_LIMIT="0",
        REPORT_MIN_FORM_SECONDS="0",
    )
    return url


def drop(args: argparse.Namespace) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(args.database.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def report_once(client, n: int, timings: dict[str, list[float]], queries: list[int]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    began = time.process_time()
    page = client.get("/").content.decode()
    timings["get"].append(time.process_time() - began)
    data = dict(HIDDEN.findall(page))
    data.update(
        addresses=f"https://bench-{n}-{time.time_ns()}.example.net/page/{n}",
        seen="images",
        found_on="website",
        description="",
        contact_email="",
        website="",
    )
    with CaptureQueriesContext(connection) as captured:
        began = time.process_time()
        response = client.post("/", urlencode(data), content_type=FORM)
        timings["post"].append(time.process_time() - began)
    queries.append(len(captured))
    if response.status_code != 200 or not REFERENCE.search(response.content.decode()):
        raise SystemExit(f"reportsite POST failed: {response.status_code}\n{response.content.decode()[:2000]}")


def floor_once(client, n: int, timings: dict[str, list[float]], queries: list[int]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    began = time.process_time()
    page = client.get("/bench/floor/").content.decode()
    timings["get"].append(time.process_time() - began)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    with CaptureQueriesContext(connection) as captured:
        began = time.process_time()
        response = client.post(
            "/bench/floor/", urlencode({"csrfmiddlewaretoken": token, "text": f"floor {n}"}), content_type=FORM
        )
        timings["post"].append(time.process_time() - began)
    queries.append(len(captured))
    if response.status_code != 200:
        raise SystemExit(f"floor POST failed: {response.status_code}")


def measure(name: str, once, args: argparse.Namespace, profiler: cProfile.Profile | None = None) -> dict:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    scratch: dict[str, list[float]] = {"get": [], "post": []}
    for n in range(args.warmup):
        once(client, n, scratch, [])
    timings: dict[str, list[float]] = {"get": [], "post": []}
    queries: list[int] = []
    if profiler:
        profiler.enable()
    for n in range(args.count):
        once(client, args.warmup + n, timings, queries)
    if profiler:
        profiler.disable()
    return {
        "target": name,
        "get": statistics.median(timings["get"]) * 1000,
        "post": statistics.median(timings["post"]) * 1000,
        "queries": statistics.median(queries),
    }


def main() -> int:
    args = parse_args()
    configure(args)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # response.content of the test client; templates stay cached
    call_command("migrate", verbosity=0)
    try:
        profiler = cProfile.Profile(time.process_time) if args.profile else None  # CPU, not waits
        rows = []
        for target in args.targets.split(","):
            if target == "floor":
                rows.append(measure("floor", floor_once, args))
            elif target == "reportsite":
                rows.append(measure("reportsite", report_once, args, profiler))
            else:
                raise SystemExit(f"--targets: floor or reportsite, not {target!r}")
    finally:
        drop(args)
    print(f"  CPU ms per request, medians of {args.count} (test client, one process; servers not counted)")
    print(f"  {'target':<12}{'GET':>8}{'POST':>8}{'total':>8}{'queries/POST':>14}")
    for row in rows:
        total = row["get"] + row["post"]
        print(f"  {row['target']:<12}{row['get']:>8.1f}{row['post']:>8.1f}{total:>8.1f}{row['queries']:>14.0f}")
    if profiler:
        stats = pstats.Stats(profiler).strip_dirs().sort_stats("cumulative")
        stats.print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
        if args.callers:
            stats.print_callers(args.callers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
