"""The production environment for tests that must see reportsite as it runs in production.

Settings are read once, at import, from the environment (`PRODUCTION=true`
turns on HSTS, Secure and __Host- cookies, the HTTPS redirect, hashed static
files), so those tests run Django in a subprocess with this environment rather
than patching settings in-process and testing something that never ships.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HOST = "reports.example.org"
METRICS_TOKEN = "metrics-" + "t" * 32  # noqa: S105 - a test value

# Only what a process needs to run; nothing of reportsite's configuration leaks
# in from the developer's shell or from CI (DATABASE_URL, CACHE_URL ...).
_PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT", "PYTHONPATH")


def production_env(var_dir: Path, **overrides: str) -> dict[str, str]:
    """A complete production configuration, as deploy/env.example describes it.

    The broker and cache are Redis URLs so that `check --deploy` sees the real
    shape (reportsite.W002 and W003 satisfied, not silenced); nothing here
    connects to them unless a test does.
    """
    env = {name: os.environ[name] for name in _PASSED_THROUGH if name in os.environ}
    env.update(
        PRODUCTION="true",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        CSRF_TRUSTED_ORIGINS=f"https://{HOST}",
        WEBAUTHN_RP_ID=HOST,
        CLIENT_IP_META_KEY="HTTP_X_REAL_IP",
        CACHE_URL="redis://127.0.0.1:6379/15",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/15",
        METRICS_TOKEN=METRICS_TOKEN,
        VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="reportsite.settings",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(overrides)
    return env


def run(args: list[str], env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and scripts
        [sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def probe(var_dir: Path, script: str = "probe_headers.py", **overrides: str) -> dict:
    """Run a probe script under the production environment and return the JSON it prints."""
    # The probe serves requests in-process: a cache in memory and a broker in
    # memory, so no Redis is needed and no task leaves the process.
    env = production_env(var_dir, CACHE_URL="", CELERY_BROKER_URL="memory://", **overrides)
    done = run([str(REPO / "security_tests" / script)], env)
    assert done.returncode == 0, f"{script} failed:\n{done.stdout[-4000:]}\n{done.stderr[-8000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])
