"""Run with the private site's environment: confirmed takedowns whose notices go to local receivers.

    seed_notices.py setup WEBHOOK_URL SECRET             # staff and recipients (EMAIL_* in the env)
    seed_notices.py round N                              # one confirmed record per recipient, then dispatch
    seed_notices.py redispatch                           # leases lapse now (time passing), then dispatch

Uses the takedown tests' own helpers, so the records, assessments and
confirmations are made exactly as the pages make them.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reportsite.settings")
import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.utils import timezone  # noqa: E402

from takedown.models import NoticeBatch  # noqa: E402
from takedown.notices.dispatch import notices_dispatch  # noqa: E402
from testsupport.personas import make_staff  # noqa: E402
from testsupport.takedown import confirm, host, located_record, partner  # noqa: E402

HOSTS = [(f"abuse@host-{n}.example", f"10.{n}.0") for n in range(1, 5)]
PARTNERS = [("Partner NL", "NL"), ("Partner DE", "DE")]


def setup(webhook_url: str, secret: str) -> None:
    make_staff("analyst", "rel-analyst")
    make_staff("senior", "rel-senior")
    for email, net in HOSTS:
        host(email.split("@")[1], cidrs=f"{net}.0/24", email=email)
    for name, country in PARTNERS:
        partner(name, countries=country, webhook_url=webhook_url, webhook_secret=secret)


def one_round(n: int) -> None:
    users = get_user_model().objects
    analyst, senior = users.get(username="rel-analyst"), users.get(username="rel-senior")
    for _email, net in HOSTS:
        confirm(located_record(f"http://{net}.{n}/round-{n}", country="GB", ips=(f"{net}.{n}",)), analyst, senior)
    for name, country in PARTNERS:
        slug = name.split()[-1].lower()
        confirm(located_record(f"http://{slug}-{n}.example/round-{n}", country=country), analyst, senior)
    print(notices_dispatch())


def redispatch() -> None:
    # The lease of a killed worker's send lapses after CELERY_TASK_TIME_LIMIT + a margin (minutes); time passes.
    NoticeBatch.objects.filter(state="sending").update(lease_until=timezone.now() - timedelta(seconds=1))
    NoticeBatch.objects.filter(state="pending").update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    print(notices_dispatch())


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "setup":
        setup(sys.argv[2], sys.argv[3])
    elif command == "round":
        one_round(int(sys.argv[2]))
    else:
        redispatch()
