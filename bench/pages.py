"""Server time and query count of the staff pages that must stay fast, at two database sizes.

    .venv/bin/python bench/pages.py [--sizes 10000,1000000] [--repeat 5] [--keep]

For each size (address records; there are twice as many reports), a database
is filled with `manage.py seed_demo` and then measured in a fresh process:
the analysts' queue (/triage/, first page and one 500 rows down), two record
pages (/triage/record/<id>/: the first waiting record, and the confirmed
record with the most reports), the staff search (/triage/search/) by URL,
SHA-256, host, report reference and record number, the takedown list
(/takedown/) and the managers' dashboard (/dashboard/), each requested through Django's test client
with a signed-in, verified user, timed with time.perf_counter() around the
request (middleware, queries and templates: everything but the network), with
the queries counted by CaptureQueriesContext. The first request (cold caches:
the dashboard's machinery check) is shown apart from the median of --repeat.

Database: with DATABASE_URL (PostgreSQL), databases <DATABASE_URL's name>_pages_<size>
next to it, kept with --keep and then reused by the next run. Without it,
SQLite files under a temporary directory (or var/bench-pages-<size>/ with --keep).
A million records take a few minutes to seed on PostgreSQL; on SQLite, longer.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PAGES = (
    "queue",
    "queue 20",
    "queue 20 later",
    "record",
    "record busy",
    "search URL",
    "search hash",
    "search host",
    "search ref",
    "search no.",
    "takedowns",
    "dashboard",
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,1000000", help="address records per database (default 10000,1000000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per page after the first (default 5)")
    parser.add_argument("--keep", action="store_true", help="keep the databases, and reuse kept ones")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="measure the sizes in turn this many times and keep each page's median (default 3): "
        "on a shared machine, load that comes and goes then weighs on every size alike",
    )
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)  # the child process
    return parser.parse_args()


# --- The child: measure the pages on the database in the environment -------------------


def measure(repeat: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reportsite.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.models import ReportedAddress, UrlRecord
    from takedown.models import Takedown
    from testsupport.personas import FormClient, login_verified
    from triage import selectors
    from triage.models import WAITING, TriageState

    users = get_user_model().objects
    senior = login_verified(FormClient(), users.get(username="senior"))
    manager = login_verified(FormClient(), users.get(username="manager"))
    waiting = TriageState.objects.filter(status__in=WAITING).order_by("record_id").values_list("record_id", flat=True)
    record_id = waiting.first() or TriageState.objects.values_list("record_id", flat=True).first()
    # The busiest confirmed record: most reports, assessments, a takedown with notices.
    busy = UrlRecord.objects.filter(pk__in=Takedown.objects.values("pk")).order_by("-report_count", "pk").first()
    reference = ReportedAddress.objects.filter(record=busy).select_related("report").first().report.reference
    # Like for like: the 10k database has only a few dozen waiting records, the
    # 1M one over a thousand, so the queue is also measured with 20-row pages
    # (full at both sizes), first and later (after up to 500 rows: as deep as each allows).
    waiting_count = TriageState.objects.filter(status__in=WAITING).count()
    skip = max(1, min(500, waiting_count - 20))
    deep = selectors.queue_page(size=skip).rows
    deep_cursor = f"{deep[-1].queue_rank}.{deep[-1].record_id}" if deep else ""
    spelt = busy.url.replace("https://", "HTTPS://").replace("http://", "hxxp://").replace(".", "[.]", 1)
    targets = {
        "queue": (senior, "/triage/", {}),
        "queue 20": (senior, "/triage/", {}),
        "queue 20 later": (senior, "/triage/", {"after": deep_cursor}),
        "record": (senior, f"/triage/record/{record_id}/", {}),
        "record busy": (senior, f"/triage/record/{busy.pk}/", {}),
        "search URL": (senior, "/triage/search/", {"q": spelt}),
        "search hash": (senior, "/triage/search/", {"q": busy.url_sha256}),
        "search host": (senior, "/triage/search/", {"q": busy.host}),
        "search ref": (senior, "/triage/search/", {"q": reference}),
        "search no.": (senior, "/triage/search/", {"q": str(busy.pk)}),
        "takedowns": (senior, "/takedown/", {"view": "open"}),
        "dashboard": (manager, "/dashboard/", {}),
    }
    from triage.views import queue as queue_view

    results = {"_waiting": waiting_count, "_skipped": skip}
    for name, (client, path, params) in targets.items():
        queue_view.PAGE_SIZE = 20 if name.startswith("queue 20") else selectors.QUEUE_PAGE
        timings, queries, sql = [], [], []
        for _ in range(repeat + 1):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path, params)
                timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
            queries.append(len(captured.captured_queries))
            sql.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        if name.startswith("search") and b"Nothing found." in response.content:
            raise SystemExit(f"{name} found nothing for {params}")
        results[name] = {
            "cold_ms": timings[0],
            "median_ms": statistics.median(timings[1:]),
            "sql_ms": statistics.median(sql[1:]),
            "queries": queries[-1],
        }
    from reports.models import Report, UrlRecord

    results["_size"] = {"records": UrlRecord.objects.count(), "reports": Report.objects.count()}
    return results


# --- The parent: prepare each database, measure it in a child, print side by side -------


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def prepare(size: int, keep: bool, tmp: str) -> tuple[dict, callable]:
    env = dict(os.environ, ALLOWED_HOSTS="testserver,127.0.0.1", LOG_LEVEL="WARNING")
    base = os.environ.get("DATABASE_URL", "")
    cleanup = lambda: None  # noqa: E731
    fresh = True
    if base:
        import psycopg
        from psycopg import sql

        # Named after the configured database, so benchmarks on one server stay apart.
        name = f"{urlsplit(base).path.lstrip('/') or 'reportsite'}_pages_{size}"
        admin = urlunsplit(urlsplit(base)._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if exists and not keep:
                conn.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(name)))
            if not exists or not keep:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            fresh = not (exists and keep)
        if not fresh:
            # A kept database catches up with migrations added since it was seeded.
            manage(
                dict(env, DATABASE_URL=urlunsplit(urlsplit(base)._replace(path=f"/{name}"))),
                "migrate",
                "--noinput",
                "-v0",
            )
        env["DATABASE_URL"] = urlunsplit(urlsplit(base)._replace(path=f"/{name}"))
        if not keep:

            def cleanup() -> None:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))

    else:
        var_dir = ROOT / "var" / f"bench-pages-{size}" if keep else Path(tmp) / f"pages-{size}"
        fresh = not (var_dir / "reportsite.sqlite3").exists()
        var_dir.mkdir(parents=True, exist_ok=True)
        env["VAR_DIR"] = str(var_dir)
    if fresh:
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "demo_setup", "-v0")
        started = time.perf_counter()
        manage(env, "seed_demo", "--reports", str(size * 2))
        print(f"seeded {size:,} records in {time.perf_counter() - started:.0f} s", flush=True)
    return env, cleanup


def main() -> None:
    args = parse_args()
    if args.measure:
        print(json.dumps(measure(args.repeat)))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    engine = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    runs: dict[int, list[dict]] = {size: [] for size in sizes}
    with tempfile.TemporaryDirectory() as tmp:
        prepared = {size: prepare(size, args.keep, tmp) for size in sizes}
        try:
            for _ in range(args.rounds):
                for size in sizes:
                    env, _cleanup = prepared[size]
                    out = subprocess.run(  # noqa: S603
                        [sys.executable, __file__, "--measure", "--repeat", str(args.repeat)],
                        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
                    ).stdout  # fmt: skip
                    runs[size].append(json.loads(out.strip().splitlines()[-1]))
        finally:
            for _env, cleanup in prepared.values():
                cleanup()
    results = {}
    for size, measured in runs.items():
        results[size] = {k: measured[0][k] for k in ("_size", "_waiting", "_skipped")}
        for page in PAGES:
            results[size][page] = {
                "cold_ms": measured[0][page]["cold_ms"],
                "median_ms": statistics.median(m[page]["median_ms"] for m in measured),
                "sql_ms": statistics.median(m[page]["sql_ms"] for m in measured),
                "queries": max(m[page]["queries"] for m in measured),
            }
    print(
        f"\nServer time per page ({engine}; median over {args.rounds} rounds of the median of {args.repeat} "
        "after a cold first request), and the most queries seen"
    )
    header = f"{'page':<15}" + "".join(f"{f'{s:,} records':>38}" for s in sizes)
    if len(sizes) == 2:
        header += f"{'ratio':>8}"
    print(header)
    sub = f"{'':<15}" + "".join(f"{'cold ms  median ms  sql ms  queries':>38}" for _ in sizes)
    print(sub + (f"{'median':>8}" if len(sizes) == 2 else ""))
    for page in PAGES:
        cells = "".join(
            f"{results[s][page]['cold_ms']:>11.1f}{results[s][page]['median_ms']:>11.1f}"
            f"{results[s][page]['sql_ms']:>8.1f}{results[s][page]['queries']:>8}"
            for s in sizes
        )
        if len(sizes) == 2:
            small, large = (results[s][page]["median_ms"] for s in sizes)
            cells += f"{large / small:>7.2f}x"
        print(f"{page:<15}{cells}")
    print(
        "("
        + "; ".join(
            f"{s:,}: {results[s]['_size']['reports']:,} reports, {results[s]['_waiting']:,} waiting, "
            f"later page after {results[s]['_skipped']:,} rows"
            for s in sizes
        )
        + ")"
    )
    print(
        "queue: the first page as analysts see it (50 rows, or fewer if fewer wait); queue 20: 20-row pages, "
        "full at both sizes, the first and one further down (a keyset cursor); record busy: the confirmed record "
        "with the most reports; search: the busy record by URL (another spelling), SHA-256, host, a report "
        "reference and its number; takedowns: the open tab. sql ms: time spent in the database (the sum of "
        "the queries' times as Django measured them), the part that grows with the data."
    )


if __name__ == "__main__":
    main()
