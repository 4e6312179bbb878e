#!/usr/bin/env bash
# reportsite database backup: one pg_dump in PostgreSQL's custom format (-Fc:
# compressed, restored selectively and in parallel by pg_restore), named by
# its UTC time, with a SHA-256 checksum beside it; optionally encrypted to
# age or GnuPG recipients; then all but the newest BACKUP_KEEP are deleted.
#
# Environment (/etc/reportsite/backup.env under systemd):
#   DATABASE_URL or DATABASE_URL_FILE  the database (a read-only backup role is enough)
#   BACKUP_DIR                         where dumps go (default /var/backups/reportsite)
#   BACKUP_KEEP                        how many dumps to keep (default 28: a week at 4 a day)
#   BACKUP_AGE_RECIPIENTS              encrypt with age to the public keys in this file, or
#   BACKUP_GPG_RECIPIENT               encrypt with gpg to this key (id or e-mail)
# Prints the path of the new dump on its last line. Exit status 0 only when
# the dump, the encryption and the checksum all succeeded.
set -euo pipefail
umask 077

die() { echo "reportsite-backup: $*" >&2; exit 1; }

if [[ -n "${DATABASE_URL_FILE:-}" ]]; then
  DATABASE_URL="$(<"$DATABASE_URL_FILE")"
fi
[[ -n "${DATABASE_URL:-}" ]] || die "DATABASE_URL (or DATABASE_URL_FILE) is not set"
BACKUP_DIR="${BACKUP_DIR:-/var/backups/reportsite}"
BACKUP_KEEP="${BACKUP_KEEP:-28}"
[[ "$BACKUP_KEEP" =~ ^[1-9][0-9]*$ ]] || die "BACKUP_KEEP must be a whole number of at least 1, not '$BACKUP_KEEP'"
if [[ -n "${BACKUP_AGE_RECIPIENTS:-}" && -n "${BACKUP_GPG_RECIPIENT:-}" ]]; then
  die "set BACKUP_AGE_RECIPIENTS or BACKUP_GPG_RECIPIENT, not both"
fi
mkdir -p "$BACKUP_DIR"

stamp="$(date -u +%Y%m%dT%H%M%S.%3NZ)"
name="reportsite-$stamp.dump"
work="$BACKUP_DIR/.partial-$stamp"
trap 'rm -f "$work" "$work".age "$work".gpg' EXIT

# Into a hidden partial file first: a dump cut short never looks like a backup.
pg_dump --format=custom --no-password --dbname="$DATABASE_URL" --file="$work"

final="$work"
if [[ -n "${BACKUP_AGE_RECIPIENTS:-}" ]]; then
  age --encrypt --recipients-file "$BACKUP_AGE_RECIPIENTS" --output "$work.age" "$work"
  rm -f "$work"; final="$work.age"; name="$name.age"
elif [[ -n "${BACKUP_GPG_RECIPIENT:-}" ]]; then
  gpg --batch --yes --quiet --trust-model always --encrypt --recipient "$BACKUP_GPG_RECIPIENT" \
      --output "$work.gpg" "$work"
  rm -f "$work"; final="$work.gpg"; name="$name.gpg"
fi

mv "$final" "$BACKUP_DIR/$name"
(cd "$BACKUP_DIR" && sha256sum "$name" > "$name.sha256")

# Retention: only after a good dump, and only our own files, newest kept.
mapfile -t dumps < <(cd "$BACKUP_DIR" && ls -1 | grep -E '^reportsite-[0-9]{8}T[0-9]{6}\.[0-9]{3}Z\.dump(\.age|\.gpg)?$' | sort -r)
for old in "${dumps[@]:$BACKUP_KEEP}"; do
  rm -f "$BACKUP_DIR/$old" "$BACKUP_DIR/$old.sha256"
done

echo "reportsite-backup: wrote $name ($(stat -c %s "$BACKUP_DIR/$name") bytes); keeping the newest $BACKUP_KEEP" >&2
echo "$BACKUP_DIR/$name"
