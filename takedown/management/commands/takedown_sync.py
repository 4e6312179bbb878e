from django.core.management.base import BaseCommand

from takedown.lifecycle import takedowns_route_held, takedowns_sync


class Command(BaseCommand):
    help = "Route every confirmed criminal record that has no takedown, and held ones that can now go (safe any time)."

    def handle(self, *args, **options) -> None:
        opened = takedowns_sync()
        routed = takedowns_route_held()
        self.stdout.write(f"{opened} takedown(s) opened, {routed} held takedown(s) routed")
