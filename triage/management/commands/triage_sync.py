from django.core.management.base import BaseCommand

from triage.services.states import states_sync


class Command(BaseCommand):
    help = "Give every enriched or failed record a triage row (safe to run at any time, e.g. from cron)."

    def handle(self, *args, **options) -> None:
        found = states_sync()
        self.stdout.write(f"{found} record(s) entered the triage queue")
