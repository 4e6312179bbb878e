"""The backup is only as good as its restore: dump the test database with
deploy/backup/reportsite-backup.sh, restore it with reportsite-restore.sh into
a new database, and find the same rows and the audit trail still append-only.

Data is made through the app's services and committed (a transactional test),
since pg_dump sees only what is committed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest

from testsupport.services import database_url_for_subprocess

REPO = Path(__file__).resolve().parents[2]
BACKUP = REPO / "deploy" / "backup" / "reportsite-backup.sh"
RESTORE = REPO / "deploy" / "backup" / "reportsite-restore.sh"
MAIN_TABLES = (
    "reports_report",
    "reports_urlrecord",
    "reports_reportedaddress",
    "triage_assessment",
    "takedown_takedown",
    "takedown_notice",
    "staff_auditevent",
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _history(analyst, senior) -> None:
    """Reports from the public path, records assessed with four eyes, takedowns routed, audit rows."""
    from reports.addresses import canonicalize
    from reports.services import AddressInput, report_submit
    from staff.audit import audit_record
    from staff.models import AuditEvent
    from testsupport.takedown import confirm, host, located_record, partner, police
    from testsupport.triage import assess, report_about

    for n in range(3):
        url = f"http://public{n}.example/page"
        report_submit(
            addresses=[AddressInput(as_typed=url, canonical=canonicalize(url))],
            seen="images",
            found_on="website",
            description="seen on a forum",
        )
    host("Example Hosting", cidrs="192.0.2.0/24")
    police("Police GB", countries="GB")
    partner("Partner NL", countries="NL")
    home = located_record("http://home.example/a", country="GB")
    abroad = located_record("http://abroad.example/b", country="NL", ips=("198.51.100.7",))
    harmless = located_record("http://harmless.example/c", country="GB")
    report_about(home, abroad)
    report_about(harmless)
    confirm(home, analyst, senior)
    confirm(abroad, analyst, senior)
    assess(analyst, harmless, "not_illegal")
    audit_record(actor=analyst, action=AuditEvent.Action.LOGIN)


def _counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in MAIN_TABLES}  # noqa: S608


def _url_of(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


def _drop(url: str, name: str) -> None:
    with psycopg.connect(_url_of(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(tmp_path: Path, url: str, **extra: str) -> dict[str, str]:
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    env.update(
        DATABASE_URL=url,
        BACKUP_DIR=str(tmp_path / "backups"),
        REPORTSITE_HOME=str(REPO),
        REPORTSITE_PYTHON=sys.executable,
        VAR_DIR=str(tmp_path / "var"),
        DJANGO_SETTINGS_MODULE="reportsite.settings",
    )
    env.update(extra)
    return env


def _run(script: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(script), *args], env=env, capture_output=True, text=True, timeout=300, check=False)  # noqa: S603


@pytest.fixture
def restored_name():
    name = f"reportsite_restore_{uuid.uuid4().hex[:12]}"
    yield name
    _drop(database_url_for_subprocess(), name)


@pytest.fixture
def history(analyst, senior):
    _history(analyst, senior)


def test_a_restored_backup_has_every_row_and_an_append_only_audit_trail(history, tmp_path, restored_name):
    source = database_url_for_subprocess()
    before = _counts(source)
    assert all(before.values()), f"the test made no rows in some table: {before}"

    backup = _run(BACKUP, env=_env(tmp_path, source))
    assert backup.returncode == 0, backup.stderr
    dump = Path(backup.stdout.strip().splitlines()[-1])
    assert dump.exists() and Path(f"{dump}.sha256").exists()
    assert dump.stat().st_mode & 0o077 == 0, "a dump must be readable by its owner only"

    restore = _run(RESTORE, str(dump), restored_name, env=_env(tmp_path, source))
    assert restore.returncode == 0, restore.stderr
    assert "migrate --check ok" in restore.stderr
    restored = _url_of(source, restored_name)
    assert _counts(restored) == before

    with psycopg.connect(restored) as conn, pytest.raises(psycopg.Error, match="append-only"):
        conn.execute("DELETE FROM staff_auditevent")


def test_a_damaged_dump_is_refused_before_any_database_is_made(history, tmp_path, restored_name):
    source = database_url_for_subprocess()
    backup = _run(BACKUP, env=_env(tmp_path, source))
    assert backup.returncode == 0, backup.stderr
    dump = Path(backup.stdout.strip().splitlines()[-1])
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))

    restore = _run(RESTORE, str(dump), restored_name, env=_env(tmp_path, source))
    assert restore.returncode != 0
    assert "checksum mismatch" in restore.stderr
    with psycopg.connect(_url_of(source, "postgres")) as conn:
        assert conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [restored_name]).fetchone() is None


def test_restore_never_writes_into_an_existing_database(history, tmp_path):
    source = database_url_for_subprocess()
    backup = _run(BACKUP, env=_env(tmp_path, source))
    dump = Path(backup.stdout.strip().splitlines()[-1])
    existing = source.rsplit("/", 1)[1]
    restore = _run(RESTORE, str(dump), existing, env=_env(tmp_path, source))
    assert restore.returncode != 0
    assert "already exists" in restore.stderr


def test_only_the_newest_dumps_are_kept(tmp_path):
    source = database_url_for_subprocess()
    env = _env(tmp_path, source, BACKUP_KEEP="2")
    made = []
    for _ in range(3):
        done = _run(BACKUP, env=env)
        assert done.returncode == 0, done.stderr
        made.append(Path(done.stdout.strip().splitlines()[-1]).name)
    kept = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert kept == sorted([made[1], f"{made[1]}.sha256", made[2], f"{made[2]}.sha256"])


@pytest.mark.skipif(shutil.which("gpg") is None, reason="gpg is not installed")
def test_an_encrypted_dump_holds_no_plain_sql_and_restores(history, tmp_path, restored_name):
    gnupg = tmp_path / "gnupg"
    gnupg.mkdir(mode=0o700)
    command = ["gpg", "--batch", "--passphrase", "", "--quick-generate-key", "backup@reportsite.test"]
    keygen = subprocess.run(  # noqa: S603
        [*command, "default", "default", "never"],
        env={"GNUPGHOME": str(gnupg), "PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        check=False,
    )
    assert keygen.returncode == 0, keygen.stderr
    source = database_url_for_subprocess()
    env = _env(tmp_path, source, GNUPGHOME=str(gnupg), BACKUP_GPG_RECIPIENT="backup@reportsite.test")

    backup = _run(BACKUP, env=env)
    assert backup.returncode == 0, backup.stderr
    dump = Path(backup.stdout.strip().splitlines()[-1])
    assert dump.name.endswith(".dump.gpg")
    assert b"PGDMP" not in dump.read_bytes() and b"staff_auditevent" not in dump.read_bytes()
    assert not [p for p in dump.parent.iterdir() if p.name.endswith(".dump")], "the plain dump must not stay behind"

    restore = _run(RESTORE, str(dump), restored_name, env=env)
    assert restore.returncode == 0, restore.stderr
    assert _counts(_url_of(source, restored_name)) == _counts(source)
