"""One pass of the exchange's background work now, as the beat would do it (for operators and tests)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from exchange import statuses
from takedown.notices import delivery, dispatch


class Command(BaseCommand):
    help = "Batch and send due notices and forwards, owe partners their statuses and send those due."

    def handle(self, *args, **options) -> None:
        notices = dispatch.notices_dispatch()
        # Send what is due here and now rather than through the broker, so the command's output tells.
        sent = {pk: delivery.batch_deliver(batch_id=pk) for pk in delivery.batches_due()}
        owed = sum(statuses.statuses_sync(record_id=pk) for pk in statuses.open_forwards())
        updates = {pk: statuses.update_deliver(update_id=pk) for pk in statuses.updates_due()}
        self.stdout.write(
            json.dumps({"notices": notices, "batches": sent, "statuses_owed": owed, "status_updates": updates})
        )
