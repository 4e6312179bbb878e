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
        try:
            result = seed(reports=options["reports"], seed=options["seed"], say=self.stdout.write)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{result.reports:,} reports, {result.records:,} address records, {result.rows:,} rows in "
            f"{result.seconds:.1f} s ({result.rows / result.seconds:,.0f} rows/s overall)"
        )
