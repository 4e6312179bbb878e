"""Two instances of the site for the exchange tests: two PostgreSQL databases, two real servers.

    hotlines = TwoHotlines.start(database_url)   # migrates A once, copies it to B, starts both servers
    hotlines.a.step("report_and_confirm", url=..., country="NL")
    hotlines.b.stop(); hotlines.b.serve()        # a partner that is down, and back
    hotlines.close()                             # stops the servers, drops both databases

Each instance is `manage.py runserver --noreload` on a free loopback port with
its own DATABASE_URL, HOME_COUNTRY, HOTLINE_NAME and reference prefix; no
broker, and background work inline (EMBEDDED_BACKGROUND=false), so a request
that queues work does it before it answers. Steps run in the instance's
environment through testsupport/exchange_e2e_steps.py.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[1]
CLEARED = ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "EMAIL_HOST", "PRODUCTION", "DEBUG", "PYTEST_CURRENT_TEST")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


@dataclass
class Instance:
    name: str
    env: dict[str, str]
    port: int
    log: Path
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *args: str, timeout: float = 300) -> str:
        command = [sys.executable, "manage.py", *args]
        done = subprocess.run(command, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise AssertionError(f"{self.name}: manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def step(self, name: str, /, **kwargs) -> dict:
        done = subprocess.run(
            [sys.executable, "-m", "testsupport.exchange_e2e_steps", name, json.dumps(kwargs)],
            cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
        if done.returncode != 0 or not lines:
            raise AssertionError(f"{self.name}: step {name} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
        return json.loads(lines[-1].removeprefix("RESULT "))

    def serve(self) -> None:
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.name}'s server exited:\n{self.log.read_text()[-3000:]}")
            try:
                requests.get(f"{self.url}/healthz", timeout=2)
                return
            except requests.RequestException:
                time.sleep(0.3)
        raise AssertionError(f"{self.name}'s server did not answer within 60 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None


class TwoHotlines:
    def __init__(self, base_url: str, work: Path) -> None:
        self.base_url = base_url
        stem = urlsplit(base_url).path.lstrip("/") or "reportsite"
        self.names = {"A": f"test_{stem}_a", "B": f"test_{stem}_b"}
        self.admin_url = database_url(base_url, "postgres")
        self.work = work
        self.secret = "shared-exchange-secret-" + "s" * 24
        self.a = self._instance("A", home="GB", hotline="Hotline A (GB)", prefix="GB-")
        self.b = self._instance("B", home="NL", hotline="Hotline B (NL)", prefix="NL-")

    def _instance(self, name: str, *, home: str, hotline: str, prefix: str) -> Instance:
        env = {k: v for k, v in os.environ.items() if k not in CLEARED}
        env.update(
            DATABASE_URL=database_url(self.base_url, self.names[name]),
            SECRET_KEY=f"exchange-e2e-{name}-" + "x" * 50,
            ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
            HOME_COUNTRY=home,
            HOTLINE_NAME=hotline,
            NOTICE_REFERENCE_PREFIX=prefix,
            NOTICE_BATCH_DELAY_MINUTES="0",
            EMBEDDED_BACKGROUND="false",
            WEBHOOK_TIMEOUT_SECONDS="5",
            DNS_TIMEOUT_SECONDS="2",
            # The partner instances are on loopback, which only an allowed network lets a request reach.
            CHECK_ALLOW_NETWORKS="127.0.0.0/8",
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        return Instance(name=name, env=env, port=free_port(), log=self.work / f"server-{name}.log")

    def _sql(self, *statements: str) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)

    def start(self) -> TwoHotlines:
        a, b = self.names["A"], self.names["B"]
        self._sql(f'DROP DATABASE IF EXISTS "{a}" WITH (FORCE)', f'DROP DATABASE IF EXISTS "{b}" WITH (FORCE)',
                  f'CREATE DATABASE "{a}"')  # fmt: skip
        self.a.manage("migrate", "--noinput")
        # B is a copy of A's freshly migrated database: one migrate run instead of two.
        self._sql(f'CREATE DATABASE "{b}" TEMPLATE "{a}"')
        self.a.serve()
        self.b.serve()
        return self

    def close(self) -> None:
        self.a.stop()
        self.b.stop()
        a, b = self.names["A"], self.names["B"]
        self._sql(f'DROP DATABASE IF EXISTS "{a}" WITH (FORCE)', f'DROP DATABASE IF EXISTS "{b}" WITH (FORCE)')

    def connect(self) -> None:
        """Each hotline gives the other a member API key; each sets the other up as an exchange partner."""
        key_from_b = self.b.step("members", partner_name="Hotline A (GB)")["key"]
        key_from_a = self.a.step("members", partner_name="Hotline B (NL)")["key"]
        self.keys = {"A": key_from_a, "B": key_from_b}  # the key each hotline issued to the other
        self.a.step("partner", name="Hotline B (NL)", api_url=f"{self.b.url}/api/v1/", api_key=key_from_b,
                    secret=self.secret, routes_to="NL")  # fmt: skip
        self.b.step("partner", name="Hotline A (GB)", api_url=f"{self.a.url}/api/v1/", api_key=key_from_a,
                    secret=self.secret)  # fmt: skip
