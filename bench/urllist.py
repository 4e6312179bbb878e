"""URL list export over HTTP (gunicorn) against `psql \\copy` of the same rows, at several list sizes in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reportsite .venv/bin/python bench/urllist.py \\
        [--sizes 10000,100000,1000000] [--repeat 3]

What it does, in one fresh database (--database, default reportsite_bench_urllist,
dropped at the end) on DATABASE_URL's server:

  1. For each size, smallest first, the list grows to that size: address
     records and one "listed" change each are written by the database itself
     (INSERT ... SELECT over generate_series), then the beat's task
     (memberapi.tasks.sequence_list_changes, each run bounded as in
     production) is run until nothing is pending: its throughput is printed.
  2. One gunicorn (reportsite.wsgi, the product's settings, 1 worker with
     --threads threads, access log off) serves the API on a loopback port for
     the whole run; no broker, and nothing numbers changes but step 1.
  3. The CSV is fetched --repeat times (5) with curl (`GET /api/v1/urllist/?format=csv`
     with a real key: authentication, throttle, middleware, the stream) and
     `psql \\copy (SELECT the same rows, the same order) TO file CSV HEADER` is
     run as often, in turns with the API; the best of each is printed with
     their ratio. Both write to a file on the same disk; the row counts must
     agree. The JSON and text formats are fetched the same way, for their
     times.
  4. The gunicorn worker's peak resident memory (VmHWM, reset through
     /proc/PID/clear_refs before each size's exports) against its resident
     memory before: flat means it does not grow with the list.

The target (issue 16): the API at least 0.5 x the speed of psql \\copy at
100,000 entries, i.e. psql time / API time >= 0.5.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from submissions import BENCH_SECRET, VENV_BIN, Gunicorn, free_port  # noqa: E402 - after the path

TARGET = 0.5  # psql time / API time, at TARGET_SIZE entries
TARGET_SIZE = 100_000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="list sizes, comma-separated, in one run")
    parser.add_argument("--repeat", type=int, default=5, help="exports each way per size, in turns; the best is kept")
    parser.add_argument("--threads", type=int, default=4, help="threads of the one gunicorn worker (default 4)")
    parser.add_argument("--database", default="reportsite_bench_urllist", help="database made and dropped by the run")
    args = parser.parse_args()
    try:
        args.sizes = sorted({int(size.replace("_", "")) for size in args.sizes.split(",")})
    except ValueError:
        parser.error("--sizes must be whole numbers, e.g. 10000,100000,1000000")
    if args.sizes[0] < 1 or args.repeat < 1:
        parser.error("--sizes and --repeat must be at least 1")
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        parser.error("DATABASE_URL must point at PostgreSQL (the comparison is with psql \\copy)")
    for tool in ("psql", "curl"):
        if shutil.which(tool) is None:
            parser.error(f"{tool} is not installed (apt-get install postgresql-client curl)")
    return args


def database_create(base: str, name: str) -> tuple[str, str]:
    import psycopg
    from psycopg import sql

    admin_url = urlunsplit(urlsplit(base)._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urlunsplit(urlsplit(base)._replace(path=f"/{name}")), admin_url


def database_drop(admin_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def grow(first: int, last: int) -> None:
    """Records first..last and one "listed" change each, written by the database itself."""
    from django.db import connection
    from django.utils import timezone

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO reports_urlrecord (id, url, url_sha256, host, registrable_domain, country_code,"
            " network_name, track_liveness, report_count, first_reported_at, last_reported_at, enrichment_state,"
            " enrichment_attempts, enrichment_error)"
            " SELECT n, u.url, encode(sha256(convert_to(u.url, 'UTF8')), 'hex'), 'host' || n %% 997 || '.example',"
            " '', '', '', false, 1, %(now)s, %(now)s, 'enriched', 0, ''"
            " FROM generate_series(%(first)s, %(last)s) AS n,"
            " LATERAL (SELECT 'http://host' || n %% 997 || '.example/gallery/' || n || '/index.html?page=' || n %% 7"
            " AS url) AS u",
            {"first": first, "last": last, "now": timezone.now()},
        )
        cursor.execute(
            "INSERT INTO memberapi_listchange (id, record_id, listed, at)"
            " SELECT n, n, true, %(now)s FROM generate_series(%(first)s, %(last)s) AS n",
            {"first": first, "last": last, "now": timezone.now()},
        )
        cursor.execute("SELECT setval('reports_urlrecord_id_seq', %s)", [last])
        cursor.execute("SELECT setval('memberapi_listchange_id_seq', %s)", [last])


def sequence_by_beat() -> tuple[int, int, float]:
    """Run the beat's task until nothing is pending; (changes, runs, seconds)."""
    from memberapi.tasks import sequence_list_changes

    done = runs = 0
    started = time.perf_counter()
    while True:
        numbered = sequence_list_changes()
        if not numbered:
            return done, runs, time.perf_counter() - started
        done += numbered
        runs += 1


def worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    if len(children) != 1:
        raise RuntimeError(f"expected one gunicorn worker, found {children}")
    return int(children[0])


def memory_kib(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields


def lines(path: Path) -> int:
    with path.open("rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


def time_api(base: str, key: str, path: Path, fmt: str = "csv") -> float:
    started = time.perf_counter()
    argv = ["curl", "--silent", "--show-error", "--fail", "--output", str(path)]
    argv += ["--header", f"Authorization: Bearer {key}", f"{base}/api/v1/urllist/?format={fmt}"]
    subprocess.run(argv, check=True)  # noqa: S603, S607 - our own argv
    return time.perf_counter() - started


def time_psql(url: str, position: int, path: Path) -> float:
    select = (  # the rows the API sends, as stored
        "SELECT url, url_sha256, category, listed_at FROM memberapi_listing"  # noqa: S608 - an int of ours
        f" WHERE listed_position <= {position} AND (removed_position IS NULL OR removed_position > {position})"
        " ORDER BY listed_position"
    )
    started = time.perf_counter()
    command = f"\\copy ({select}) TO '{path}' WITH CSV HEADER"
    subprocess.run(["psql", url, "--quiet", "--no-psqlrc", "-c", command], check=True)  # noqa: S603, S607 - our own
    return time.perf_counter() - started


def main() -> None:
    args = parse_args()
    given = os.environ["DATABASE_URL"]
    url, admin_url = database_create(given, args.database)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reportsite.settings")
    server = None
    rows_out = []
    try:
        import django

        django.setup()
        from datetime import timedelta

        from django.core.management import call_command
        from django.db import connection
        from django.utils import timezone

        from memberapi.models import Member
        from memberapi.sequencing import list_position
        from memberapi.services import api_key_create

        call_command("migrate", verbosity=0)
        member = Member.objects.create(name="Bench member", contact_email="bench@example.org")
        _, key = api_key_create(
            member=member, name="bench", scopes=["urllist:read"], expires_at=timezone.now() + timedelta(days=1),
            rate_limit="100000/min",
        )  # fmt: skip

        port = free_port()
        env = dict(os.environ)
        env.update(
            DATABASE_URL=url, SECRET_KEY=BENCH_SECRET, ALLOWED_HOSTS="127.0.0.1,localhost", LOG_LEVEL="WARNING",
            ACCESS_LOG="false", WEB_CONCURRENCY="1", WEB_THREADS=str(args.threads), GUNICORN_BIND=f"127.0.0.1:{port}",
            DJANGO_SETTINGS_MODULE="reportsite.settings", PYTHONPATH=str(ROOT),
        )  # fmt: skip
        env.pop("CELERY_BROKER_URL", None)  # nothing but this script numbers changes
        tmp = Path(tempfile.mkdtemp(prefix="bench-urllist-"))
        argv = [str(VENV_BIN / "gunicorn"), "reportsite.wsgi", "--config", "python:reportsite.gunicorn_conf"]
        server = Gunicorn(argv, env, ROOT, port, tmp / "gunicorn.log", "/")
        server.wait_ready()
        worker = worker_pid(server.process.pid)

        have = 0
        for size in args.sizes:
            started = time.perf_counter()
            grow(have + 1, size)
            filled = time.perf_counter() - started
            changes, runs, seconds = sequence_by_beat()
            have = size
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            position = list_position()
            api_file, psql_file = tmp / "api.csv", tmp / "psql.csv"
            time_api(server.base, key, api_file)  # warm: the worker's first answer at this size
            before = memory_kib(worker)
            Path(f"/proc/{worker}/clear_refs").write_text("5")  # resets VmHWM to the current RSS
            # In turns, so that both see the same moments of a shared machine.
            api_times, copy_times = [], []
            for _ in range(args.repeat):
                api_times.append(time_api(server.base, key, api_file))
                copy_times.append(time_psql(url, position, psql_file))
            api, copy = min(api_times), min(copy_times)
            after = memory_kib(worker)
            other = {
                fmt: min(time_api(server.base, key, tmp / fmt, fmt) for _ in range(args.repeat))
                for fmt in ("json", "text")
            }
            after_all = memory_kib(worker)
            api_rows, psql_rows = lines(api_file) - 1, lines(psql_file) - 1
            if api_rows != psql_rows or api_rows != size:
                raise SystemExit(f"row counts differ at {size}: API {api_rows}, psql {psql_rows}")
            rows_out.append(
                {
                    "size": size, "filled": filled, "changes": changes, "runs": runs, "seq": seconds, "api": api,
                    "psql": copy, "api_mib": api_file.stat().st_size / 2**20,
                    "psql_mib": psql_file.stat().st_size / 2**20, "rss_before": before["VmRSS"],
                    "peak": after["VmHWM"], "rss_after": after["VmRSS"], "json": other["json"],
                    "text": other["text"], "peak_all": after_all["VmHWM"],
                    "json_mib": (tmp / "json").stat().st_size / 2**20,
                }
            )  # fmt: skip
            print(f"  done {size:,} entries", file=sys.stderr)
    finally:
        if server is not None:
            server.stop()
        from django.db import connections

        connections.close_all()
        database_drop(admin_url, args.database)

    load = os.getloadavg()
    sizes = ",".join(str(s) for s in args.sizes)
    database = "" if args.database == "reportsite_bench_urllist" else f" --database {args.database}"
    print(f"$ DATABASE_URL={given} .venv/bin/python bench/urllist.py --sizes {sizes} --repeat {args.repeat}{database}")
    print(f"  gunicorn        1 worker, {args.threads} threads (gthread), access log off; client curl")
    print(f"  each figure     the best of {args.repeat}")
    print(f"  load average    {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (after the run)")
    print()
    print("  entries     psql \\copy    API (HTTP)   API/psql time   speed vs psql   worker RSS before → peak")
    for r in rows_out:
        print(
            f"  {r['size']:>9,}   {r['psql']:8.3f} s   {r['api']:8.3f} s   {r['api'] / r['psql']:10.2f} x"
            f"   {r['psql'] / r['api']:10.2f} x    {r['rss_before'] / 1024:6.1f} → {r['peak'] / 1024:6.1f} MiB"
        )
    print()
    print("  the other formats over HTTP (same gunicorn, curl):")
    for r in rows_out:
        print(
            f"  {r['size']:>9,}   JSON {r['json']:8.3f} s ({r['json_mib']:.1f} MiB,"
            f" {r['psql'] / r['json']:.2f} x psql's speed)   text {r['text']:8.3f} s"
            f"   worker peak over all formats {r['peak_all'] / 1024:6.1f} MiB"
        )
    print()
    print("  sequencing by the beat (memberapi.tasks.sequence_list_changes), the changes added for each size:")
    for r in rows_out:
        rate = r["changes"] / r["seq"] if r["seq"] else 0
        print(
            f"  {r['size']:>9,}   {r['changes']:>9,} changes in {r['seq']:7.2f} s over {r['runs']} run(s)"
            f"   {rate:10,.0f} changes/s   (rows written in {r['filled']:.1f} s)"
        )
    print()
    for r in rows_out:
        print(f"  {r['size']:>9,}   file sizes: API {r['api_mib']:.1f} MiB, psql {r['psql_mib']:.1f} MiB")
    target = [r for r in rows_out if r["size"] == TARGET_SIZE]
    if target:
        speed = target[0]["psql"] / target[0]["api"]
        verdict = "PASS" if speed >= TARGET else "FAIL"
        print(f"\n  {verdict}  speed vs psql \\copy at {TARGET_SIZE:,} entries: {speed:.2f} x (target >= {TARGET} x)")


if __name__ == "__main__":
    main()
