"""Enrichment throughput, end to end, through one real Celery worker.

    .venv/bin/python bench/enrich.py [--records 500] [--concurrency 4] [--body-mb 50]

What it does: starts a loopback HTTP server that answers every request with
200 image/jpeg and a large body (50 MB by default, made on the fly, sent even
after HEAD as a hostile server might); creates --records address records
pointing at it; starts ONE `celery worker` process with --concurrency prefork
children; queues every record the way a report does; and waits until all are
enriched or failed. It prints records enriched per second (from the first
message published to the last record done, so worker warm-up counts) and the
bytes each liveness check read (LivenessCheck.bytes_read, mean and max), which
should stay a few KiB however large the body is.

Database: with DATABASE_URL set (PostgreSQL), a fresh database
reportsite_bench_<pid> is created on that server, migrated, and dropped at the
end. Without it, SQLite in a temporary directory (VAR_DIR), which takes one
writer at a time: expect lower figures than on PostgreSQL.

Broker: --broker, default redis://127.0.0.1:6379/13 (a database nothing else
uses here). A Redis database given here is flushed before and after the run.

Nothing leaves loopback: the records are http://127.0.0.1:<port>/... and the
worker may reach only 127.0.0.0/8 on that port (CHECK_ALLOW_NETWORKS/PORTS).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_BROKER = "redis://127.0.0.1:6379/13"
MIB = 1024 * 1024


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=500, help="address records to enrich (default 500)")
    parser.add_argument(
        "--concurrency", type=int, default=4, help="prefork children of the one worker process (default 4)"
    )
    parser.add_argument("--body-mb", type=float, default=50, help="size of the body the server sends (default 50)")
    parser.add_argument("--broker", default=DEFAULT_BROKER, help=f"broker URL (default {DEFAULT_BROKER})")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for all records (default 600)")
    args = parser.parse_args()
    if args.records < 1 or args.concurrency < 1 or args.body_mb < 0:
        parser.error("--records and --concurrency must be at least 1, --body-mb at least 0")
    return args


def redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


# --- Database ------------------------------------------------------------------


@dataclass
class BenchDatabase:
    """A fresh database for the run: PostgreSQL next to DATABASE_URL's, or SQLite in a temp dir."""

    url: str | None  # None: SQLite under VAR_DIR
    given_url: str | None = None  # DATABASE_URL as the user gave it, for the printed command line
    admin_url: str | None = None
    name: str | None = None

    @classmethod
    def create(cls, tmpdir: str) -> BenchDatabase:
        base = os.environ.get("DATABASE_URL", "")
        if not base:
            os.environ["VAR_DIR"] = tmpdir  # settings put the SQLite file there
            return cls(url=None)
        import psycopg
        from psycopg import sql

        name = f"reportsite_bench_{os.getpid()}"
        # CREATE DATABASE from the maintenance database: DATABASE_URL's own may not exist.
        admin_url = urlunsplit(urlsplit(base)._replace(path="/postgres"))
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        url = urlunsplit(urlsplit(base)._replace(path=f"/{name}"))
        return cls(url=url, given_url=base, admin_url=admin_url, name=name)

    def describe(self) -> str:
        return f"PostgreSQL, fresh database {self.name}" if self.url else "SQLite in a temporary directory"

    def drop(self) -> None:
        if not self.name:
            return
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.name],
            )
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(self.name)))


# --- Broker and worker ----------------------------------------------------------


def flush_broker(url: str) -> None:
    # Only Redis is flushed: a leftover message would point at a record of another run.
    if urlsplit(url).scheme in ("redis", "rediss"):
        import redis

        with contextlib.closing(redis.Redis.from_url(url)) as client:
            client.flushdb()


class Worker:
    """ONE `celery worker` process with `concurrency` prefork children, in its own process group."""

    def __init__(self, env: dict[str, str], concurrency: int, log_path: Path) -> None:
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603 - a fixed argv, no shell
            [sys.executable, "-m", "celery", "--app", "reportsite", "worker", "--queues", "default,enrich",
             "--concurrency", str(concurrency), "--pool", "prefork", "--loglevel", "WARNING",
             "--without-mingle", "--without-gossip"],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def wait_ready(self, timeout: float = 60) -> None:
        from reportsite.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the worker exited with {self.process.returncode}:\n{self.log_tail()}")
            if app.control.ping(timeout=1):
                return
        raise RuntimeError(f"the worker did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._log.close()


# --- The run ---------------------------------------------------------------------


@dataclass
class Figures:
    records: int
    enriched: int
    failed: int
    seconds: float
    publish_seconds: float
    bytes_mean: float
    bytes_max: int
    outcomes: dict[str, int]


def create_records(server_url, count: int) -> list[int]:
    from reports.addresses import url_sha256
    from reports.models import UrlRecord

    urls = [server_url(f"/bench/{n}.jpg") for n in range(count)]
    UrlRecord.objects.bulk_create(
        [UrlRecord(url=url, url_sha256=url_sha256(url), host="127.0.0.1") for url in urls], batch_size=500
    )
    return list(UrlRecord.objects.order_by("pk").values_list("pk", flat=True))


def enrich_all(ids: list[int], timeout: float) -> tuple[float, float]:
    """Queue every record and wait until none is pending; returns (total, publish) seconds."""
    from enrichment.pipeline import records_queue
    from reports.models import UrlRecord

    started = time.perf_counter()
    queued = records_queue(ids)
    published = time.perf_counter() - started
    if queued != len(ids):
        raise RuntimeError(f"only {queued} of {len(ids)} records reached the broker")
    pending = UrlRecord.objects.filter(enrichment_state__in=["new", "queued"])
    last_note = started
    while pending.exists():
        now = time.perf_counter()
        if now - started > timeout:
            raise TimeoutError(f"{pending.count()} record(s) still pending after {timeout:.0f} s")
        if now - last_note >= 5:
            print(f"  … {len(ids) - pending.count()}/{len(ids)} done", file=sys.stderr)
            last_note = now
        time.sleep(0.05)
    return time.perf_counter() - started, published


def collect(records: int, seconds: float, publish_seconds: float) -> Figures:
    from django.db.models import Avg, Count, Max

    from enrichment.models import LivenessCheck
    from reports.models import UrlRecord

    states = dict(UrlRecord.objects.values_list("enrichment_state").annotate(n=Count("pk")))
    sizes = LivenessCheck.objects.aggregate(mean=Avg("bytes_read"), max=Max("bytes_read"))
    outcomes = dict(LivenessCheck.objects.values_list("outcome").annotate(n=Count("pk")))
    return Figures(
        records=records,
        enriched=states.get("enriched", 0),
        failed=states.get("failed", 0),
        seconds=seconds,
        publish_seconds=publish_seconds,
        bytes_mean=sizes["mean"] or 0.0,
        bytes_max=sizes["max"] or 0,
        outcomes=outcomes,
    )


def print_table(figures: Figures, args: argparse.Namespace, database: BenchDatabase) -> None:
    command = " ".join(shlex.quote(a) for a in [".venv/bin/python", "bench/enrich.py", *sys.argv[1:]])
    if database.url:
        command = f"DATABASE_URL={shlex.quote(redacted(database.given_url or ''))} {command}"
    rows = [
        ("database", database.describe()),
        ("broker", redacted(args.broker)),
        ("worker", f"1 process, {args.concurrency} prefork children"),
        ("response body", f"{args.body_mb:g} MB image/jpeg (sent even after HEAD)"),
        ("records", f"{figures.records} ({figures.enriched} enriched, {figures.failed} failed)"),
        ("check outcomes", ", ".join(f"{k} {v}" for k, v in sorted(figures.outcomes.items())) or "none"),
        ("end-to-end time", f"{figures.seconds:.2f} s (publishing {figures.publish_seconds:.2f} s)"),
        ("records enriched / s", f"{figures.enriched / figures.seconds:.1f}"),
        ("bytes read per check, mean", f"{figures.bytes_mean:,.0f}"),
        ("bytes read per check, max", f"{figures.bytes_max:,}"),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"$ {command}")
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")


def serve_big_jpeg(body_bytes: int):
    from testsupport.loopback import LoopbackServer, Reply, big_jpeg

    def handler(request):
        headers = [("Content-Type", "image/jpeg"), ("Content-Length", str(body_bytes)), ("Server", "bench")]
        return Reply(200, headers, body=big_jpeg(body_bytes) if body_bytes else ())

    return LoopbackServer(handler).start()


def _interrupted(signum, frame) -> None:
    # A plain `kill` must clean up too (worker, database): take the same path as Ctrl-C.
    raise KeyboardInterrupt


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGTERM, _interrupted)
    tmpdir = tempfile.TemporaryDirectory(prefix="reportsite-bench-")
    database = BenchDatabase.create(tmpdir.name)
    server = worker = None
    try:
        os.environ.update(DJANGO_SETTINGS_MODULE="reportsite.settings", CELERY_BROKER_URL=args.broker)
        if database.url:
            os.environ["DATABASE_URL"] = database.url
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        flush_broker(args.broker)
        server = serve_big_jpeg(int(args.body_mb * MIB))
        worker_env = dict(os.environ, CHECK_ALLOW_NETWORKS="127.0.0.0/8", CHECK_ALLOW_PORTS=str(server.port))
        worker = Worker(worker_env, args.concurrency, Path(tmpdir.name) / "worker.log")
        ids = create_records(server.url, args.records)
        worker.wait_ready()
        seconds, publish_seconds = enrich_all(ids, args.timeout)
        print_table(collect(len(ids), seconds, publish_seconds), args, database)
        return 0
    except (RuntimeError, TimeoutError) as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        if worker is not None:
            print(worker.log_tail(), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench interrupted; cleaning up", file=sys.stderr)
        return 130
    finally:
        if worker is not None:
            worker.stop()
        if server is not None:
            server.stop()
        with contextlib.suppress(Exception):
            flush_broker(args.broker)
        if database.url:
            from django.db import connections

            connections.close_all()
        database.drop()
        tmpdir.cleanup()


if __name__ == "__main__":
    sys.exit(main())
