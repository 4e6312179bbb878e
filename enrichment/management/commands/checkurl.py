"""Check one address now and print what was found, as one JSON object.

Nothing is written to the database; storing the result on the address record
is to come with that model (a `--save` option calling a service with the result).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from enrichment.liveness import check_url


class Command(BaseCommand):
    help = "Check whether an address answers (status and headers only) and print the result as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url", help="an http or https address, already in canonical form")

    def handle(self, *args: Any, **options: Any) -> None:
        result = check_url(options["url"])
        # Hook for --save: hand `result` to the enrichment service here, before printing.
        self.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False))
