"""`manage.py canonicalize URL [URL ...]`: the canonical form of each address, as the report form stores it.

With no arguments, reads one address per line from standard input. Prints one
line per input, in order, so the output can be pasted next to the input: the
canonical address, or `error: <why it is refused>` (a blank line is refused
too, to keep the lines aligned). Exits with status 1 if any address was refused.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.addresses import AddressError, canonicalize


class Command(BaseCommand):
    help = "Print the canonical form of each web address, or 'error: <message>' if it would be refused."
    requires_system_checks: list[str] = []  # pure string work: no database, no checks needed
    stealth_options = ("stdin",)  # lets tests pass call_command(..., stdin=StringIO(...))

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("urls", nargs="*", metavar="URL", help="addresses to check; none: read stdin")

    def handle(self, *args: Any, urls: list[str], **options: Any) -> None:
        stdin: TextIO = options.get("stdin") or sys.stdin
        inputs = urls or _lines(stdin)
        refused = sum(not self._report(address) for address in inputs)
        if refused:
            raise CommandError(f"{refused} address(es) refused.", returncode=1)

    def _report(self, address: str) -> bool:
        try:
            self.stdout.write(canonicalize(address))
        except AddressError as exc:
            self.stdout.write(f"error: {exc.message}")
            return False
        return True


def _lines(stream: Iterable[str]) -> Iterator[str]:
    for line in stream:
        yield line.rstrip("\r\n")
