"""Check one address now and print what was found, as one JSON object.

Without --save nothing touches the database. With --save the result is stored
as a LivenessCheck on the address record for the URL's canonical form; the
command never creates a record, so an address nobody reported is refused.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from enrichment import services
from enrichment.liveness import check_url
from reports.addresses import AddressError, canonicalize, url_sha256
from reports.models import UrlRecord


class Command(BaseCommand):
    help = "Check whether an address answers (status and headers only) and print the result as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url", help="an http or https address; with --save, its canonical form names the record")
        parser.add_argument(
            "--save",
            action="store_true",
            help="store the result on the address record for this URL (which must exist)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["save"]:
            self.stdout.write(json.dumps(check_url(options["url"]).to_dict(), ensure_ascii=False))
            return
        record = _record_for(options["url"])
        # The record's own URL is checked, so what is stored is about exactly that address.
        result = check_url(record.url)
        check = services.liveness_save(record_id=record.pk, result=result)
        if check is None:
            raise CommandError(f"record {record.pk} was deleted during the check; nothing saved")
        self.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False))
        self.stderr.write(f"saved liveness check {check.pk} on record {record.pk}")


def _record_for(url: str) -> UrlRecord:
    try:
        canonical = canonicalize(url)
    except AddressError as exc:
        raise CommandError(f"not a valid address: {exc.message}") from None
    record = UrlRecord.objects.filter(url_sha256=url_sha256(canonical)).first()
    if record is None:
        raise CommandError(f"no address record for {canonical}; --save only stores checks on reported addresses")
    return record
