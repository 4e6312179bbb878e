"""A record enters triage in the same transaction that finishes its enrichment."""

from __future__ import annotations

from django.dispatch import receiver

from enrichment.signals import record_enrichment_finished
from triage.services.states import states_create


@receiver(record_enrichment_finished, dispatch_uid="triage.state_on_enrichment")
def _state_on_enrichment(sender, record_id: int, **kwargs) -> None:
    # An INSERT … ON CONFLICT DO NOTHING: it cannot fail the enrichment's transaction.
    states_create([record_id])
