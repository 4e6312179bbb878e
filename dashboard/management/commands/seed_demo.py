"""Fill an empty database with a year of synthetic history (demos and benchmarks; never production)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dashboard.seeding import seed


class Command(BaseCommand):
    help = "Fill an empty database with a realistic synthetic year: reports, records, assessments, takedowns."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--reports", type=int, default=5000, help="reports to make (default 5000)")
        parser.add_argument("--seed", type=int, default=1, help="random seed: the same seed gives the same data")

    def handle(self, *args, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError("seed_demo writes made-up records: refused when PRODUCTION=true.")
        if options["reports"] < 1:
            raise CommandError("--reports must be at least 1")
        # Progress as it goes (every table, every 100,000 rows, each month of aggregates); -v 0 is silent.
        say = self.stdout.write if options["verbosity"] >= 1 else (lambda _text: None)
        try:
            result = seed(reports=options["reports"], seed=options["seed"], say=say)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        say(
            f"{result.reports:,} reports, {result.records:,} address records, {result.rows:,} rows in "
            f"{result.seconds:.1f} s ({result.rows / result.seconds:,.0f} rows/s overall)"
        )
