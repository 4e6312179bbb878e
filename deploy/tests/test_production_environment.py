"""deploy/env.example plus the credentials the units load is a production configuration Django accepts."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from testsupport.production import production_env, run

REPO = Path(__file__).resolve().parents[2]


def example_values() -> dict[str, str]:
    text = (REPO / "deploy" / "env.example").read_text()
    return dict(re.findall(r"^([A-Z][A-Z0-9_]+)=(.*)$", text, re.M))


def credentials(directory: Path, **values: str) -> dict[str, str]:
    """One file per secret, as LoadCredential= leaves them; NAME_FILE for each."""
    env = {}
    for name, value in values.items():
        path = directory / name.lower()
        path.write_text(value + "\n")
        env[f"{name}_FILE"] = str(path)
    return env


def check_deploy(tmp_path: Path, **overrides: str):
    env = production_env(tmp_path / "var")
    for name in ("SECRET_KEY", "CACHE_URL", "CELERY_BROKER_URL", "METRICS_TOKEN", "CLIENT_IP_META_KEY"):
        env.pop(name, None)
    env |= example_values() | {"VAR_DIR": str(tmp_path / "var")}
    env |= credentials(
        tmp_path,
        SECRET_KEY=secrets.token_urlsafe(50),
        SECRET_KEY_FALLBACKS="",
        DATABASE_URL="postgres://reportsite:pw@db.internal:5432/reportsite",
        CELERY_BROKER_URL="redis://:pw@broker.internal:6379/0",
        CACHE_URL="redis://:pw@cache.internal:6379/1",
        EMAIL_HOST_PASSWORD="smtp-password",
        METRICS_TOKEN=secrets.token_urlsafe(32),
    )
    env |= overrides
    return run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)


def test_the_documented_production_environment_passes_check_deploy(tmp_path):
    done = check_deploy(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_check_deploy_fails_when_the_client_address_header_is_forgotten(tmp_path):
    done = check_deploy(tmp_path, CLIENT_IP_META_KEY="REMOTE_ADDR")
    assert done.returncode != 0
    assert "reportsite.W001" in done.stdout + done.stderr


def test_every_variable_in_the_production_example_is_a_documented_setting():
    documented = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", (REPO / ".env.example").read_text(), re.M))
    assert set(example_values()) - documented == set()
