"""A record enters triage in the same transaction that finishes its enrichment."""

from __future__ import annotations

from django.dispatch import receiver

from enrichment.signals import liveness_checked, record_enrichment_finished
from reports.signals import records_reported_again
from triage.priority import queue_reprioritise
from triage.services.states import states_create


@receiver(record_enrichment_finished, dispatch_uid="triage.state_on_enrichment")
def _state_on_enrichment(sender, record_id: int, **kwargs) -> None:
    # An INSERT … ON CONFLICT DO NOTHING: it cannot fail the enrichment's transaction.
    states_create([record_id])


@receiver(liveness_checked, dispatch_uid="triage.rank_on_liveness")
def _rank_on_liveness(sender, record, **kwargs) -> None:
    # Inside the check's transaction: "online now" and the queue's order change together.
    queue_reprioritise([record.pk])


@receiver(records_reported_again, dispatch_uid="triage.rank_on_new_report")
def _rank_on_new_report(sender, record_ids: list[int], at, **kwargs) -> None:
    # "Reported more than once" and "more reports first": one SELECT when none of them is waiting.
    queue_reprioritise(record_ids, now=at)
