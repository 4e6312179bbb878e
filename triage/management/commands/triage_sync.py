from django.core.management.base import BaseCommand

from triage.priority import queue_reprioritise_all
from triage.services.states import states_sync


class Command(BaseCommand):
    help = (
        "Give every enriched or failed record a triage row and rank every waiting one again "
        "(safe to run at any time, e.g. from cron)."
    )

    def handle(self, *args, **options) -> None:
        found = states_sync()
        self.stdout.write(f"{found} record(s) entered the triage queue")
        ranked = queue_reprioritise_all()
        self.stdout.write(f"{ranked} waiting record(s) ranked again")
