"""Canaries for the reporter-privacy tests: values that must never be found stored, logged or queued."""

from django.db import connection

CANARY_IP = "198.51.100.77"
CANARY_FORWARDED = "203.0.113.201"
CANARY_AGENT = "CanaryBrowser/9.9 (zq7-canary-agent)"
CANARY_REFERER = "http://referrer-canary.example/came-from"
CANARIES = [CANARY_IP, CANARY_FORWARDED, "zq7-canary-agent", "referrer-canary"]

CANARY_HEADERS = {
    "REMOTE_ADDR": CANARY_IP,
    "HTTP_X_FORWARDED_FOR": CANARY_FORWARDED,
    "HTTP_X_REAL_IP": CANARY_FORWARDED,
    "HTTP_USER_AGENT": CANARY_AGENT,
    "HTTP_REFERER": CANARY_REFERER,
}


def every_stored_value() -> str:
    """Every row of every table, as text."""
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from introspection
            dump.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(dump)
