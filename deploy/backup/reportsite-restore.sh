#!/usr/bin/env bash
# Restore a reportsite dump into a NEW database, then prove it is usable.
#
#   reportsite-restore.sh DUMP_FILE NEW_DATABASE_NAME
#
# DATABASE_URL (or DATABASE_URL_FILE) names the server and the role to
# restore as; only its database name is replaced by NEW_DATABASE_NAME, which
# must not exist yet (it is created here; a live database is never written).
# Steps: verify the checksum (DUMP_FILE.sha256, required unless
# RESTORE_ALLOW_NO_CHECKSUM=1), decrypt (.age with BACKUP_AGE_IDENTITY,
# .gpg with the gpg keyring), createdb, pg_restore in one transaction,
# `manage.py migrate --check` (the schema is the one this release expects),
# then a smoke query: the row counts of the main tables and the audit
# trail's append-only trigger. Exit status 0 only when all of that passed.
#
#   REPORTSITE_HOME    the release to check against (default /opt/reportsite/app)
#   REPORTSITE_PYTHON  its interpreter (default /opt/reportsite/venv/bin/python)
#   RESTORE_MAINTENANCE_DB  database to connect to for CREATE DATABASE (default postgres)
set -euo pipefail
umask 077

die() { echo "reportsite-restore: $*" >&2; exit 1; }

[[ $# -eq 2 ]] || die "usage: $0 DUMP_FILE NEW_DATABASE_NAME"
dump="$1"
target="$2"
[[ -f "$dump" ]] || die "no such file: $dump"
[[ "$target" =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || die "database name must be lower-case letters, digits and _: '$target'"

if [[ -n "${DATABASE_URL_FILE:-}" ]]; then
  DATABASE_URL="$(<"$DATABASE_URL_FILE")"
fi
[[ -n "${DATABASE_URL:-}" ]] || die "DATABASE_URL (or DATABASE_URL_FILE) is not set"
REPORTSITE_HOME="${REPORTSITE_HOME:-/opt/reportsite/app}"
REPORTSITE_PYTHON="${REPORTSITE_PYTHON:-/opt/reportsite/venv/bin/python}"

# postgres://user:pass@host:5432/name?opts -> the same with another name.
base="${DATABASE_URL%%\?*}"
query="${DATABASE_URL:${#base}}"
server="${base%/*}"
target_url="$server/$target$query"
maintenance_url="$server/${RESTORE_MAINTENANCE_DB:-postgres}$query"

# 1. The checksum, before anything reads the file.
if [[ -f "$dump.sha256" ]]; then
  expected="$(awk '{print $1}' "$dump.sha256")"
  actual="$(sha256sum "$dump" | awk '{print $1}')"
  [[ "$expected" == "$actual" ]] || die "checksum mismatch for $dump: the file is damaged or not the one backed up"
  echo "reportsite-restore: checksum ok" >&2
elif [[ "${RESTORE_ALLOW_NO_CHECKSUM:-}" != "1" ]]; then
  die "no $dump.sha256 beside the dump (RESTORE_ALLOW_NO_CHECKSUM=1 to restore anyway)"
fi

# 2. Decrypt into a private temporary file.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
plain="$dump"
case "$dump" in
  *.age)
    [[ -n "${BACKUP_AGE_IDENTITY:-}" ]] || die "an .age dump needs BACKUP_AGE_IDENTITY (the private key)"
    age --decrypt --identity "$BACKUP_AGE_IDENTITY" --output "$work/dump" "$dump"
    plain="$work/dump" ;;
  *.gpg)
    gpg --batch --quiet --decrypt --output "$work/dump" "$dump"
    plain="$work/dump" ;;
esac
pg_restore --list "$plain" > /dev/null || die "$dump is not a pg_dump custom-format archive"

# 3. A fresh database: never restore over one that exists.
exists="$(psql --no-psqlrc --no-password --dbname="$maintenance_url" -At -v name="$target" \
          <<< "SELECT 1 FROM pg_database WHERE datname = :'name'")"
[[ -z "$exists" ]] || die "database $target already exists: restore into a new name"
createdb --no-password --maintenance-db="$maintenance_url" "$target"
echo "reportsite-restore: created database $target" >&2

# 4. Everything or nothing. --no-owner: the objects belong to the restoring role.
pg_restore --no-password --exit-on-error --single-transaction --no-owner --no-privileges \
           --dbname="$target_url" "$plain"
echo "reportsite-restore: restored $dump" >&2

# 5. The schema is exactly what this release's migrations expect. The
# restored database is named explicitly: DATABASE_URL_FILE would win otherwise.
(cd "$REPORTSITE_HOME" && env -u DATABASE_URL_FILE DATABASE_URL="$target_url" \
    "$REPORTSITE_PYTHON" manage.py migrate --check --noinput > /dev/null) \
  || die "manage.py migrate --check failed on $target: the dump and this release disagree on the schema"
echo "reportsite-restore: migrate --check ok" >&2

# 6. Smoke query: main tables answer, and the audit trail is still append-only.
psql --no-psqlrc --no-password --dbname="$target_url" -At -F ' ' <<'SQL'
SELECT 'reports_report', count(*) FROM reports_report
UNION ALL SELECT 'reports_urlrecord', count(*) FROM reports_urlrecord
UNION ALL SELECT 'triage_assessment', count(*) FROM triage_assessment
UNION ALL SELECT 'takedown_takedown', count(*) FROM takedown_takedown
UNION ALL SELECT 'staff_auditevent', count(*) FROM staff_auditevent;
SQL
triggers="$(psql --no-psqlrc --no-password --dbname="$target_url" -At <<'SQL'
SELECT count(*) FROM pg_trigger
WHERE tgrelid = 'staff_auditevent'::regclass AND tgname = 'staff_auditevent_append_only' AND tgenabled <> 'D'
SQL
)"
[[ "$triggers" == "1" ]] || die "the audit trail's append-only trigger is missing in $target"
echo "reportsite-restore: audit trail append-only trigger present; $target is ready" >&2
