"""Recompute every daily aggregate of the dashboard from the records."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from dashboard.aggregates import stats_rebuild


class Command(BaseCommand):
    help = "Rebuild the dashboard's daily aggregates from the records (safe to run at any time)."

    def handle(self, *args, **options) -> None:
        verbosity = options["verbosity"]
        started = time.perf_counter()

        def progress(first, last, rows: int) -> None:
            if verbosity >= 1:
                took = time.perf_counter() - started
                self.stdout.write(f"  read {first:%Y-%m-%d} to {last:%Y-%m-%d}: {rows:,} aggregate rows ({took:.1f} s)")

        rows = stats_rebuild(progress=progress)
        if verbosity >= 1:
            self.stdout.write(f"{rows:,} aggregate rows written in {time.perf_counter() - started:.1f} s")
