"""The systemd units in deploy/systemd: hardened alike, secrets as credentials, and accepted by systemd."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
UNITS = REPO / "deploy" / "systemd"
SERVICES = sorted(UNITS.glob("*.service"))
APP_SERVICES = [p for p in SERVICES if "backup" not in p.name]
HARDENING = {
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "SystemCallFilter": "@system-service",
    "CapabilityBoundingSet": "",
}


def directives(path: Path) -> dict[str, list[str]]:
    text = re.sub(r"\\\n\s*", " ", path.read_text())
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if re.match(r"^[A-Za-z]+=", line):
            name, _, value = line.partition("=")
            found.setdefault(name, []).append(value.strip())
    return found


def test_there_is_a_unit_for_each_process():
    names = {p.name for p in UNITS.iterdir()}
    assert {
        "reportsite-web.service",
        "reportsite-worker@.service",
        "reportsite-beat.service",
        "reportsite-migrate.service",
        "reportsite-backup.service",
        "reportsite-backup.timer",
    } <= names


@pytest.mark.parametrize("unit", SERVICES, ids=lambda p: p.name)
def test_every_service_is_hardened(unit):
    found = directives(unit)
    for name, value in HARDENING.items():
        assert found.get(name) == [value], f"{unit.name}: {name}={value}"
    assert found["User"][0].startswith("reportsite") and found["Group"][0].startswith("reportsite")
    assert found.get("ReadWritePaths"), unit.name
    assert found.get("RestrictAddressFamilies"), unit.name
    assert found.get("LimitNOFILE"), unit.name


@pytest.mark.parametrize("unit", SERVICES, ids=lambda p: p.name)
def test_secrets_come_as_credentials_mapped_to_the_file_variables_settings_read(unit):
    found = directives(unit)
    loaded = {value.split(":", 1)[0] for value in found.get("LoadCredential", [])}
    mapped = dict(value.split("=", 1) for value in found.get("Environment", []) if value.endswith(tuple(loaded)))
    assert loaded, unit.name
    assert {value.removeprefix("%d/") for value in mapped.values()} == loaded, unit.name
    example = (REPO / ".env.example").read_text()
    for variable in mapped:
        assert variable.endswith("_FILE")
        assert re.search(rf"^{variable.removesuffix('_FILE')}=", example, re.M), f"{variable}: not a setting"
    text = unit.read_text()
    assert not re.search(r"^Environment=(SECRET_KEY|DATABASE_URL|EMAIL_HOST_PASSWORD|METRICS_TOKEN)=", text, re.M)


@pytest.mark.parametrize("unit", APP_SERVICES, ids=lambda p: p.name)
def test_the_app_services_read_the_environment_file_and_the_secret_key(unit):
    found = directives(unit)
    assert found["EnvironmentFile"] == ["/etc/reportsite/env"]
    assert "SECRET_KEY_FILE=%d/secret_key" in found["Environment"]
    assert "/var/lib/reportsite" in found["ReadWritePaths"]


def test_web_runs_gunicorn_with_the_projects_settings():
    found = directives(UNITS / "reportsite-web.service")
    assert found["ExecStart"] == [
        "/opt/reportsite/venv/bin/python -m gunicorn reportsite.wsgi --config python:reportsite.gunicorn_conf"
    ]
    assert found["Restart"] == ["on-failure"]


def test_workers_are_given_time_to_finish_an_acks_late_task():
    from django.conf import settings

    found = directives(UNITS / "reportsite-worker@.service")
    assert "--queues %i" in found["ExecStart"][0]
    assert int(found["TimeoutStopSec"][0]) > settings.CELERY_TASK_TIME_LIMIT
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert found["Restart"] == ["on-failure"]


def test_only_the_web_service_may_read_the_metrics_token_and_only_workers_the_smtp_password():
    for unit in SERVICES:
        text = unit.read_text()
        assert ("metrics_token" in text) == (unit.name == "reportsite-web.service"), unit.name
        assert ("email_host_password" in text) == (unit.name == "reportsite-worker@.service"), unit.name


def test_systemd_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        pytest.skip("systemd-analyze is not installed")
    for unit in UNITS.iterdir():
        # Point the programs at files that exist here; everything else is checked as shipped.
        text = unit.read_text().replace("/opt/reportsite/venv/bin/python", shutil.which("python3") or "/bin/sh")
        text = text.replace("/opt/reportsite/app/deploy/backup/reportsite-backup.sh", "/bin/sh")
        (tmp_path / unit.name).write_text(text)
    done = subprocess.run(  # noqa: S603
        [analyze, "verify", "--man=no", *[str(p) for p in sorted(tmp_path.iterdir())]],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )  # fmt: skip
    problems = [
        line for line in done.stderr.splitlines() if line.strip() and "Failed to" not in line or "Unknown" in line
    ]
    assert done.returncode == 0 and not problems, done.stderr
