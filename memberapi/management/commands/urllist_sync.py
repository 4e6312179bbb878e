"""Bring the URL list in line with takedown state (see memberapi.sequencing.urllist_sync)."""

from django.core.management.base import BaseCommand

from memberapi import sequencing
from memberapi.sequencing import urllist_sync


class Command(BaseCommand):
    help = "Write the listing changes missing for confirmed records (e.g. confirmed before memberapi was installed)."

    def handle(self, *args, **options) -> None:
        verbosity = options["verbosity"]

        def progress(done: int, total: int) -> None:
            # A short run needs no progress: its one-line summary says it all.
            if verbosity >= 1 and total >= sequencing.SYNC_PROGRESS_EVERY:
                self.stdout.write(f"  {done:,} of {total:,} records settled")

        counts = urllist_sync(progress=progress)
        if verbosity >= 1:
            self.stdout.write(f"{counts['added']} added to the URL list, {counts['removed']} taken off")
