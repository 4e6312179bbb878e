"""Public report submissions per second, against the floor of this stack and django-helpdesk.

    .venv/bin/python bench/submissions.py [--seconds 60] [--users 16] [--workers 2] [--threads 4]

What it does, in one run, one target after another on the same machine:

  * reportsite: gunicorn (bench/settings_floor.py: the product's settings and
    URLs plus the floor's one URL) on PostgreSQL (a fresh database
    reportsite_bench_submit on DATABASE_URL's server, dropped at the end) and
    Redis (--redis, database 9: the broker and the cache, flushed before and
    after). Load: locust, headless, in a second process (bench/locust_submit.py),
    --users browsers with no wait time, each GETting the report form (CSRF
    cookie and token, the signed timing token) and POSTing it with one new
    web address, over and over.
  * the floor: /bench/floor/ on the same gunicorn, settings and services: the
    same GET-then-POST with CSRF, and a POST that inserts one row and, after
    the commit, publishes one trivial Celery task. Nothing on this stack can
    take a form faster.
  * django-helpdesk 2.6.1 in its own venv (--helpdesk-venv, made on first use),
    a minimal project generated under var/bench/, PostgreSQL database
    helpdesk_bench on the same server (dropped at the end), a public Queue,
    gunicorn with the same workers; its public form /tickets/submit/ loaded by
    the same browser dance (its form is multipart, so the POST is too).

Rate limits are out of the way for the run and printed as such:
REPORT_RATE_LIMIT=0, REPORT_GLOBAL_RATE_LIMIT=0 (their code path still runs),
REPORT_MIN_FORM_SECONDS=0 (the form is posted at once). No Celery worker runs:
submissions only queue, so the queues grow during the run (their depth is
printed). Access logs are off for every gunicorn.

Each target runs --warmup seconds unmeasured, then --seconds measured
(BENCH_SECONDS, default 60). Printed: POSTs per second, POST latency p50, p95,
p99 (the GET's too), errors, the ratios to the floor and to helpdesk, PASS or
FAIL against the targets (>= 0.6 x floor, >= 3 x helpdesk, p99 < 200 ms, no
errors), the load average before and after each target, and a check that the
rows stored equal the successful POSTs of the whole run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/9"
DB_NAME = "reportsite_bench_submit"
HELPDESK_DB = "helpdesk_bench"
HELPDESK_PINS = [
    "django-helpdesk==2.6.1", "Django==5.2.19", "psycopg[binary]==3.3.9", "gunicorn==27.0.1", "dj-database-url==3.1.2",
]  # fmt: skip
BENCH_SECRET = "bench-only-secret-key-not-for-production-0123456789abcdefghij"  # noqa: S105 - a throw-away bench
RATE_LIMITS_OFF = {"REPORT_RATE_LIMIT": "0", "REPORT_GLOBAL_RATE_LIMIT": "0", "REPORT_MIN_FORM_SECONDS": "0"}
TARGET_FLOOR_RATIO, TARGET_HELPDESK_RATIO, TARGET_P99_MS = 0.6, 3.0, 200.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", "60")),
                        help="measured seconds per target (default BENCH_SECONDS or 60)")  # fmt: skip
    parser.add_argument("--warmup", type=float, default=5, help="unmeasured seconds first (default 5)")
    parser.add_argument("--users", type=int, default=16, help="concurrent clients (default 16)")
    # 2 cores: two processes keep both busy; threads cover the waits on PostgreSQL's commit and Redis,
    # and gthread keeps connections alive (a sync worker closes each after one answer).
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers, every target (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker; >1 is gthread (default 4)")
    parser.add_argument("--targets", default="reportsite,floor,helpdesk", help="which to run, in order")
    parser.add_argument("--redis", default=DEFAULT_REDIS, help=f"broker and cache (default {DEFAULT_REDIS})")
    parser.add_argument("--helpdesk-venv", type=Path, default=ROOT / "var" / "bench" / "helpdesk-venv")
    args = parser.parse_args()
    args.targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    unknown = set(args.targets) - {"reportsite", "floor", "helpdesk"}
    if unknown or not args.targets:
        parser.error(f"--targets: choose from reportsite, floor, helpdesk (not {', '.join(sorted(unknown))})")
    if args.seconds <= 0 or args.users < 1 or args.workers < 1 or args.threads < 1:
        parser.error("--seconds, --users, --workers and --threads must be positive")
    return args


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def with_db(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def database_recreate(admin_url: str, name: str, *, drop_only: bool = False) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def scalar(url: str, query: str) -> int:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(query).fetchone()[0]


def redis_client(url: str):
    import redis

    return redis.Redis.from_url(url)


def run(argv: list[str], *, env: dict[str, str], cwd: Path = ROOT, timeout: float = 600) -> str:
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:3])} … failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


# --- Servers ------------------------------------------------------------------------


class Gunicorn:
    """One gunicorn in its own process group; its log in the run's temporary directory."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path, port: int, log: Path, probe: str) -> None:
        self.port, self.log_path, self.probe = port, log, probe
        with open(log, "wb") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own argv
                argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 60) -> None:
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(self.base + self.probe, timeout=5).status_code == 200:
                    return
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer {self.probe} within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def reportsite_env(args: argparse.Namespace, database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(RATE_LIMITS_OFF)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings_floor",
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=args.redis,
        CACHE_URL=args.redis,
        SECRET_KEY=BENCH_SECRET,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
        ACCESS_LOG="false",
        WEB_CONCURRENCY=str(args.workers),
        WEB_THREADS=str(args.threads),
        PYTHONPATH=str(ROOT),
    )
    return env


# --- django-helpdesk: its own venv and a generated minimal project ----------------------

HELPDESK_SETTINGS = '''\
"""Generated by bench/submissions.py: the least django-helpdesk 2.6 needs for its public form."""
import os

import dj_database_url

BASE_DIR = os.path.dirname(os.path.abspath(__file__))
SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "hdproject.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.debug",
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
WSGI_APPLICATION = "hdproject.wsgi.application"
DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"
STATIC_URL = "/static/"
MEDIA_ROOT = os.path.join(BASE_DIR, "media")
LOGIN_URL = "/login/"
SITE_ID = 1
HELPDESK_TEAMS_MODE_ENABLED = False
HELPDESK_PUBLIC_ENABLED = True
HELPDESK_SUBMIT_A_TICKET_PUBLIC = True
# No mail leaves the machine: the messages are still built, then dropped.
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"console": {"class": "logging.StreamHandler"}},
           "root": {"handlers": ["console"], "level": "WARNING"}}
'''
HELPDESK_URLS = """\
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("helpdesk.urls", namespace="helpdesk")),
]
"""
HELPDESK_WSGI = """\
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdproject.settings")
application = get_wsgi_application()
"""
HELPDESK_SETUP = """\
import django

django.setup()
from helpdesk.models import Queue

Queue.objects.get_or_create(
    slug="reports", defaults={"title": "Reports", "allow_public_submission": True, "email_address": "q@example.org"}
)
print(Queue.objects.filter(allow_public_submission=True).count())
"""


def helpdesk_prepare(args: argparse.Namespace, database_url: str, project: Path) -> dict[str, str]:
    venv = args.helpdesk_venv
    if not (venv / "bin" / "gunicorn").exists():
        print(f"creating {venv} (django-helpdesk 2.6.1)", flush=True)
        subprocess.run(["python3", "-m", "venv", str(venv)], check=True)  # noqa: S603, S607
        subprocess.run(  # noqa: S603
            [str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", *HELPDESK_PINS],
            check=True,
        )
    package = project / "hdproject"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text("")
    (package / "settings.py").write_text(HELPDESK_SETTINGS)
    (package / "urls.py").write_text(HELPDESK_URLS)
    (package / "wsgi.py").write_text(HELPDESK_WSGI)
    env = {
        # The shell's own search path (not reportsite configuration).
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "hdproject.settings",
        "DATABASE_URL": database_url,
        "SECRET_KEY": BENCH_SECRET,
        "PYTHONPATH": str(project),
    }
    python = str(venv / "bin" / "python")
    run([python, "-m", "django", "migrate", "--noinput", "-v0"], env=env, cwd=project)
    queues = run([python, "-c", HELPDESK_SETUP], env=env, cwd=project).strip()
    if queues != "1":
        raise RuntimeError(f"expected one public helpdesk queue, found {queues!r}")
    return env


def helpdesk_version(args: argparse.Namespace) -> str:
    out = subprocess.run(  # noqa: S603
        [str(args.helpdesk_venv / "bin" / "python"), "-c",
         "import importlib.metadata as m; print(m.version('django-helpdesk'), m.version('Django'))"],
        capture_output=True, text=True, check=False,
    ).stdout.split()  # fmt: skip
    return f"django-helpdesk {out[0]} on Django {out[1]}" if len(out) == 2 else "django-helpdesk (version unknown)"


# --- One target ---------------------------------------------------------------------


@dataclass
class Result:
    target: str
    figures: dict
    load_before: str
    load_after: str
    stored: int
    queued: int | None = None
    notes: list[str] = field(default_factory=list)
    cpu_warning: bool = False

    @property
    def rate(self) -> float:
        post = self.figures["post"]
        return post.get("count", 0) / self.figures["window_seconds"] if self.figures["window_seconds"] else 0.0

    @property
    def errors(self) -> int:
        return self.figures["post"]["failures"] + self.figures["get"]["failures"] + self.figures["posts_failed_total"]


def locust(args: argparse.Namespace, user_class: str, base: str, tmp: Path) -> tuple[dict, bool]:
    results = tmp / f"{user_class}.json"
    env = dict(os.environ, BENCH_WARMUP=str(args.warmup), BENCH_SECONDS=str(args.seconds), BENCH_RESULTS=str(results))
    run_time = int(args.warmup + args.seconds + 2)
    argv = [
        str(VENV_BIN / "locust"), "-f", str(ROOT / "bench" / "locust_submit.py"), "--headless", "--only-summary",
        "--users", str(args.users), "--spawn-rate", str(args.users), "--run-time", f"{run_time}s",
        "--stop-timeout", "30", "--host", base, "--loglevel", "WARNING", user_class,
    ]  # fmt: skip
    done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=run_time + 120)  # noqa: S603
    if not results.exists():
        tail = f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        raise RuntimeError(f"locust wrote no figures ({done.returncode}):\n{tail}")
    cpu_warning = "CPU usage" in done.stderr
    return json.loads(results.read_text()), cpu_warning


def bench_target(
    target: str, args: argparse.Namespace, tmp: Path, *, rs_env: dict, rs_db: str, hd_env: dict | None, hd_db: str
) -> Result:
    port = free_port()
    if target in ("reportsite", "floor"):
        argv = [str(VENV_BIN / "gunicorn"), "reportsite.wsgi", "--config", "python:reportsite.gunicorn_conf"]
        env = rs_env | {"GUNICORN_BIND": f"127.0.0.1:{port}"}
        probe = "/" if target == "reportsite" else "/bench/floor/"
        server = Gunicorn(argv, env, ROOT, port, tmp / f"gunicorn-{target}.log", probe)
    else:
        assert hd_env is not None
        argv = [
            str(args.helpdesk_venv / "bin" / "gunicorn"), "hdproject.wsgi", "--bind", f"127.0.0.1:{port}",
            "--workers", str(args.workers), "--threads", str(args.threads), "--timeout", "30", "--keep-alive", "5",
        ]  # fmt: skip
        log = tmp / "gunicorn-helpdesk.log"
        server = Gunicorn(argv, hd_env, Path(hd_env["PYTHONPATH"]), port, log, "/tickets/submit/")
    user_class = {"reportsite": "ReportsiteUser", "floor": "FloorUser", "helpdesk": "HelpdeskUser"}[target]
    r = redis_client(args.redis)
    try:
        server.wait_ready()
        before = loadavg()
        print(f"  {target}: load average {before}; {args.warmup:g} s warm-up + {args.seconds:g} s …", flush=True)
        figures, cpu_warning = locust(args, user_class, server.base, tmp)
        after = loadavg()
    finally:
        server.stop()
    if target == "reportsite":
        stored = scalar(rs_db, "SELECT count(*) FROM reports_report")
        result = Result(target, figures, before, after, stored, queued=r.llen("enrich"), cpu_warning=cpu_warning)
        records = scalar(rs_db, "SELECT count(*) FROM reports_urlrecord")
        addresses = scalar(rs_db, "SELECT count(*) FROM reports_reportedaddress")
        left_new = scalar(rs_db, "SELECT count(*) FROM reports_urlrecord WHERE enrichment_state = 'new'")
        result.notes.append(
            f"{stored:,} reports, {addresses:,} reported addresses, {records:,} records "
            f"({left_new} left new), {result.queued:,} enrichment tasks waiting in Redis"
        )
    elif target == "floor":
        stored = scalar(rs_db, "SELECT count(*) FROM bench_floor_floorrow")
        result = Result(target, figures, before, after, stored, queued=r.llen("default"), cpu_warning=cpu_warning)
        result.notes.append(f"{stored:,} rows, {result.queued:,} tasks waiting in Redis")
    else:
        stored = scalar(hd_db, "SELECT count(*) FROM helpdesk_ticket")
        result = Result(target, figures, before, after, stored, cpu_warning=cpu_warning)
        result.notes.append(f"{stored:,} tickets")
    return result


# --- Report -------------------------------------------------------------------------


def print_report(args: argparse.Namespace, results: dict[str, Result], given_db: str, helpdesk: str) -> bool:
    argv = [".venv/bin/python", "bench/submissions.py", *sys.argv[1:]]
    command = " ".join(shlex.quote(a) for a in argv)
    if os.environ.get("BENCH_SECONDS"):
        command = f"BENCH_SECONDS={os.environ['BENCH_SECONDS']} {command}"
    kind = f"gthread, {args.threads} threads each" if args.threads > 1 else "sync"
    print(f"\n$ {command}")
    print(f"  machine        {os.cpu_count()} cores; {args.users} clients (locust, one process, no wait time)")
    print(f"  gunicorn       {args.workers} workers ({kind}), access log off, every target")
    print(f"  services       PostgreSQL {redacted(given_db)} (fresh databases), Redis {args.redis} (broker + cache)")
    print("  rate limits    OFF for the run: " + " ".join(f"{k}={v}" for k, v in RATE_LIMITS_OFF.items()))
    print("  worker         none: submissions only queue, queues grow during the run")
    print(f"  helpdesk       {helpdesk}, its own venv, the same gunicorn shape; mail to the dummy backend")
    print(f"  measured       {args.seconds:g} s per target after {args.warmup:g} s warm-up", end="")
    print("; one submission = GET + POST\n")
    header = f"  {'target':<11}{'POST/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'GET p50':>9}{'GET p99':>9}"
    header += f"{'errors':>8}  load before → after"
    print(header)
    for name, res in results.items():
        post, get = res.figures["post"], res.figures["get"]
        print(
            f"  {name:<11}{res.rate:>8.1f}{post.get('p50_ms', 0):>9.1f}{post.get('p95_ms', 0):>9.1f}"
            f"{post.get('p99_ms', 0):>9.1f}{get.get('p50_ms', 0):>9.1f}{get.get('p99_ms', 0):>9.1f}"
            f"{res.errors:>8}  {res.load_before} → {res.load_after}"
            + ("  (locust warned of high CPU)" if res.cpu_warning else "")
        )
    print()
    ok = True
    for name, res in results.items():
        match = res.stored == res.figures["posts_ok_total"]
        ok &= match
        verdict = "OK" if match else "MISMATCH"
        print(f"  stored, {name:<10} {verdict}: {res.figures['posts_ok_total']:,} successful POSTs; {res.notes[0]}")
        for sample in res.figures.get("failure_samples", [])[:3]:
            print(f"    failure: {sample}")
    rs = results.get("reportsite")
    if rs is None:
        return ok
    print()
    checks = []
    if "floor" in results and results["floor"].rate:
        ratio = rs.rate / results["floor"].rate
        checks.append((f"throughput vs floor      {ratio:.2f} x (target >= {TARGET_FLOOR_RATIO} x)",
                       ratio >= TARGET_FLOOR_RATIO))  # fmt: skip
    if "helpdesk" in results and results["helpdesk"].rate:
        ratio = rs.rate / results["helpdesk"].rate
        checks.append((f"throughput vs helpdesk   {ratio:.2f} x (target >= {TARGET_HELPDESK_RATIO:g} x)",
                       ratio >= TARGET_HELPDESK_RATIO))  # fmt: skip
    p99 = rs.figures["post"].get("p99_ms", float("inf"))
    checks.append((f"POST p99                 {p99:.1f} ms (target < {TARGET_P99_MS:g} ms)", p99 < TARGET_P99_MS))
    checks.append((f"errors                   {rs.errors} (target 0)", rs.errors == 0))
    for text, passed in checks:
        print(f"  {'PASS' if passed else 'FAIL'}  {text}")
        ok &= passed
    return ok


def redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")))


def _interrupted(signum, frame) -> None:
    raise KeyboardInterrupt


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGTERM, _interrupted)
    given_db = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE
    if not given_db.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must point at PostgreSQL")
    admin_url = with_db(given_db, "postgres")
    rs_db, hd_db = with_db(given_db, DB_NAME), with_db(given_db, HELPDESK_DB)
    r = redis_client(args.redis)
    made: list[str] = []
    tmp = Path(tempfile.mkdtemp(prefix="bench-submissions-"))
    try:
        r.flushdb()
        rs_env = reportsite_env(args, rs_db)
        hd_env = None
        print("preparing …", flush=True)
        if {"reportsite", "floor"} & set(args.targets):
            database_recreate(admin_url, DB_NAME)
            made.append(DB_NAME)
            run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env=rs_env)
        if "helpdesk" in args.targets:
            database_recreate(admin_url, HELPDESK_DB)
            made.append(HELPDESK_DB)
            hd_env = helpdesk_prepare(args, hd_db, ROOT / "var" / "bench" / "helpdesk-project")
        results = {}
        for target in args.targets:
            results[target] = bench_target(target, args, tmp, rs_env=rs_env, rs_db=rs_db, hd_env=hd_env, hd_db=hd_db)
        ok = print_report(args, results, given_db, helpdesk_version(args) if hd_env else "not run")
        return 0 if ok else 1
    except RuntimeError as exc:
        print(textwrap.indent(f"bench failed: {exc}", ""), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bench interrupted; cleaning up", file=sys.stderr)
        return 130
    finally:
        with contextlib.suppress(Exception):
            r.flushdb()
        for name in made:
            with contextlib.suppress(Exception):
                database_recreate(admin_url, name, drop_only=True)
        if os.environ.get("BENCH_KEEP_LOGS"):
            print(f"logs kept in {tmp}", file=sys.stderr)
        else:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
