"""Bring the URL list in line with takedown state (see memberapi.sequencing.urllist_sync)."""

from django.core.management.base import BaseCommand

from memberapi.sequencing import urllist_sync


class Command(BaseCommand):
    help = "Write the listing changes missing for confirmed records (e.g. confirmed before memberapi was installed)."

    def handle(self, *args, **options) -> None:
        counts = urllist_sync()
        self.stdout.write(f"{counts['added']} added to the URL list, {counts['removed']} taken off")
