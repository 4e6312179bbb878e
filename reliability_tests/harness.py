"""Private services for the reliability suite: its own PostgreSQL cluster, Redis
servers, gunicorn, Celery workers and beat, all on free ports of this machine.

The machine's shared PostgreSQL (5432) and Redis (6379) are never touched:
everything this suite stops, kills or restarts, it started itself.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
VENV_BIN = Path(PYTHON).parent
CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# The figures; smaller values make a quick local run.
BROKER_OUTAGE_SECONDS = int(os.environ.get("RELIABILITY_BROKER_OUTAGE_SECONDS", "60"))
REPORTS = int(os.environ.get("RELIABILITY_REPORTS", "1000"))
ARTIFACTS = ROOT / "test-artifacts"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate: Callable[[], object], timeout: float, message: str, interval: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            value = predicate()
            if value:
                return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {message}")


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def postgres_bin() -> Path | None:
    for version in sorted(Path("/usr/lib/postgresql").glob("*"), reverse=True):
        if (version / "bin" / "initdb").exists():
            return version / "bin"
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class Process:
    """A subprocess in its own session, so a kill reaches its children too (prefork pools, gunicorn workers)."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_dir: Path, *, user: str | None = None):
        self.name = name
        self.argv = argv
        self.env = env
        self.log_path = log_dir / f"{name}.log"
        self.user = user
        self.process: subprocess.Popen | None = None

    def start(self) -> Process:
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child holds it; closed with the process
        argv = ["runuser", "-u", self.user, "--", *self.argv] if self.user else self.argv
        self.process = subprocess.Popen(  # noqa: S603 - our own programs and arguments
            argv, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        return self

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal(self, sig: int) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)

    def kill(self) -> None:
        """SIGKILL the whole process group, as a crash or the OOM killer would."""
        self.signal(signal.SIGKILL)
        if self.process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)

    def stop(self, timeout: float = 15) -> None:
        if not self.alive:
            return
        self.signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class PrivateRedis:
    def __init__(self, log_dir: Path, name: str = "redis"):
        if not shutil.which("redis-server"):
            raise MissingTool("redis-server is not installed")
        self.port = free_port()
        self.proc = Process(
            name,
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            dict(os.environ),
            log_dir,
        )

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.proc.start()
        wait_for(lambda: answers(self.port), 15, "redis-server to start")

    def stop(self) -> None:
        """Gone, with whatever it held in memory (no persistence): a broker crash."""
        self.proc.kill()
        wait_for(lambda: not answers(self.port), 10, "redis-server to stop")


class MissingTool(Exception):
    pass


class PrivatePostgres:
    """A throw-away cluster of our own (initdb as the postgres OS user when run as root)."""

    def __init__(self):
        self.bin = postgres_bin()
        if self.bin is None:
            raise MissingTool("PostgreSQL's initdb is not installed")
        self.user = "postgres" if os.geteuid() == 0 else None
        self.dir = Path(tempfile.mkdtemp(prefix="reliability-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        if self.user:
            shutil.chown(self.dir, self.user, self.user)
            self.dir.chmod(0o755)

    def _run(self, *argv: str, timeout: float = 120) -> None:
        full = ["runuser", "-u", self.user, "--", *argv] if self.user else list(argv)
        subprocess.run(full, check=True, timeout=timeout, capture_output=True)  # noqa: S603 - our own programs and arguments

    def init(self) -> None:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write("\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 200\n")

    def _ctl(self, *args: str) -> None:
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "postgres.log"), "-w",
            "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1", *args,
        )  # fmt: skip

    def start(self) -> None:
        self._ctl("start")

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._ctl("stop", "-m", "immediate")

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, name: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def execute(self, sql: str, name: str = "postgres") -> None:
        with psycopg.connect(self.url(name), autocommit=True) as conn:
            conn.execute(sql)


@dataclass
class Stack:
    """One site on private services: gunicorn, Celery workers and beat, sharing one environment."""

    name: str
    env: dict[str, str]
    log_dir: Path
    broker: PrivateRedis
    web_port: int = field(default_factory=free_port)
    processes: list[Process] = field(default_factory=list)
    _counter: int = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def _spawn(self, kind: str, argv: list[str], extra: dict[str, str] | None = None) -> Process:
        self._counter += 1
        proc = Process(f"{kind}-{self._counter}", argv, self.env | (extra or {}), self.log_dir).start()
        self.processes.append(proc)
        return proc

    def manage(self, *args: str, timeout: float = 300) -> str:
        done = subprocess.run(  # noqa: S603 - our own programs and arguments
            [PYTHON, "manage.py", *args], env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
        )
        if done.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def script(self, path: Path, *args: str, timeout: float = 300) -> str:
        """Run one of this package's scripts with the site's environment (Django set up inside)."""
        done = subprocess.run(  # noqa: S603 - our own programs and arguments
            [PYTHON, str(path), *args], env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
        )
        if done.returncode != 0:
            raise AssertionError(f"{path.name} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def web(self) -> Process:
        proc = self._spawn(
            "gunicorn",
            [str(VENV_BIN / "gunicorn"), "reportsite.wsgi", "--config", "python:reportsite.gunicorn_conf"],
            {"GUNICORN_BIND": f"127.0.0.1:{self.web_port}"},
        )
        wait_for(lambda: requests.get(self.base + "/", timeout=2).status_code == 200, 60, "gunicorn to answer")
        return proc

    def worker(self, concurrency: int = 2, queues: str = "default,enrich,notices") -> Process:
        # The shim gives the workers a resolver that never sends a packet off this machine.
        return self._spawn(
            "worker",
            [PYTHON, str(ROOT / "reliability_tests" / "worker_shim.py"), "--app", "reportsite", "worker",
             "--queues", queues, "--concurrency", str(concurrency), "--pool", "prefork", "--loglevel", "INFO",
             "--without-mingle", "--without-gossip"],
        )  # fmt: skip

    def beat(self) -> Process:
        schedule = self.log_dir / f"celerybeat-{self.name}"
        return self._spawn(
            "beat",
            [PYTHON, "-m", "celery", "--app", "reportsite", "beat", "--loglevel", "INFO", "--schedule", str(schedule)],
        )

    def stop(self) -> None:
        for proc in reversed(self.processes):
            proc.stop(timeout=10)

    def db(self):
        return psycopg.connect(self.env["DATABASE_URL"], autocommit=True)

    def scalar(self, sql: str, *params):
        with self.db() as conn:
            return conn.execute(sql, params).fetchone()[0]

    def rows(self, sql: str, *params) -> list[tuple]:
        with self.db() as conn:
            return conn.execute(sql, params).fetchall()


# --- A reporter: a browser's cookie jar, the form's hidden fields, one POST -----------------

HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>')
REFERENCE = re.compile(r'id="reference"[^>]*>\s*([^<\s]+)\s*<')


@dataclass
class Answer:
    status: int
    reference: str | None = None
    retry_after: str | None = None
    body: str = ""
    error: str | None = None  # no HTTP answer at all (connection refused or reset)


def hidden_fields(html: str) -> dict[str, str]:
    fields = {}
    for tag in HIDDEN.findall(html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


class Reporter:
    """One person at the form: fetch it, fill it in, send it, read the reference off the confirmation."""

    def __init__(self, base: str):
        self.base = base
        self.session = requests.Session()

    def report(self, addresses: list[str], timeout: float = 30) -> Answer:
        try:
            page = self.session.get(self.base + "/", timeout=timeout)
            if page.status_code != 200:
                return _answer(page)
            data = hidden_fields(page.text) | {
                "addresses": "\n".join(addresses),
                "seen": "images",
                "found_on": "website",
                "description": "",
                "contact_email": "",
            }
            response = self.session.post(self.base + "/", data=data, timeout=timeout)
        except requests.RequestException as exc:
            return Answer(status=0, error=type(exc).__name__)
        return _answer(response)


def _answer(response: requests.Response) -> Answer:
    found = REFERENCE.search(response.text)
    return Answer(
        status=response.status_code,
        reference=found.group(1) if found and response.status_code == 200 else None,
        retry_after=response.headers.get("Retry-After"),
        body=response.text,
    )


def run_clients(count: int, job: Callable[[int], None], stop: threading.Event | None = None) -> list[threading.Thread]:
    threads = [threading.Thread(target=job, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    return threads


def write_figures(name: str, figures: dict[str, object]) -> str:
    """Print the figures and keep them under test-artifacts/reliability/."""
    width = max(len(k) for k in figures)
    text = "\n".join(f"  {k.ljust(width)}  {v}" for k, v in figures.items())
    out = ARTIFACTS / "reliability"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.txt").write_text(text + "\n")
    print(f"\n[{name}]\n{text}")
    return text
