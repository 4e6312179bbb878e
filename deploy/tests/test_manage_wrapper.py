"""deploy/bin/reportsite-manage runs manage.py with the services' environment file and credentials."""

from __future__ import annotations

import os
import pwd
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
WRAPPER = REPO / "deploy" / "bin" / "reportsite-manage"

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the wrapper switches users: root only")


def test_the_wrapper_passes_the_environment_file_and_credentials(tmp_path):
    etc = tmp_path / "etc"
    (etc / "credentials").mkdir(parents=True, mode=0o700)
    var = tmp_path / "var"
    example = (REPO / "deploy" / "env.example").read_text().replace("VAR_DIR=/var/lib/reportsite", f"VAR_DIR={var}")
    (etc / "env").write_text(example.replace("HOTLINE_NAME=Example Hotline", "HOTLINE_NAME=Example Hotline Two"))
    values = {
        "secret_key": secrets.token_urlsafe(50),
        "secret_key_fallbacks": "",
        "database_url": f"sqlite:///{tmp_path}/db.sqlite3",
        "broker_url": "redis://127.0.0.1:6379/15",
        "cache_url": "redis://127.0.0.1:6379/15",
    }
    for name, value in values.items():
        (etc / "credentials" / name).write_text(value + "\n")
    env = {
        "PATH": os.environ["PATH"],
        "REPORTSITE_ETC": str(etc),
        "REPORTSITE_USER": pwd.getpwuid(0).pw_name,
        "REPORTSITE_HOME": str(REPO),
        "REPORTSITE_PYTHON": sys.executable,
        "TMPDIR": str(tmp_path / "tmp"),
    }
    (tmp_path / "tmp").mkdir()

    def manage(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(WRAPPER), *args], env=env, capture_output=True, text=True, timeout=300, check=False)  # noqa: S603

    checked = manage("check", "--deploy", "--fail-level", "WARNING")
    assert checked.returncode == 0, checked.stderr
    shown = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.HOTLINE_NAME, s.PRODUCTION, s.DATABASES['default']['NAME'])",
    )
    assert shown.returncode == 0, shown.stderr
    assert f"Example Hotline Two True {tmp_path}/db.sqlite3" in shown.stdout.splitlines()
    assert list((tmp_path / "tmp").iterdir()) == [], "the private credentials directory is removed"
