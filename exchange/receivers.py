"""The partner's side listens to triage and takedown: a change to a forwarded record may owe a status.

Only records a partner forwarded to us matter (one indexed probe); the work
is done after the commit, and the beat (exchange_pass) catches anything missed,
including bulk assessments, which save without signals.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from exchange.models import Forward, InboundForward, Status
from takedown.models import OUT_FOR_ACTION, Takedown
from triage.models import TriageState


def _maybe_sync(record_id: int) -> None:
    if InboundForward.objects.filter(record_id=record_id).exists():
        from exchange.statuses import statuses_sync_on_commit

        statuses_sync_on_commit(record_id)


@receiver(post_save, sender=TriageState, dispatch_uid="exchange.triage_saved")
def _triage_saved(sender, instance: TriageState, **kwargs) -> None:
    if instance.status in (TriageState.Status.CONFIRMED_CRIMINAL, TriageState.Status.NO_ACTION):
        _maybe_sync(instance.pk)


@receiver(post_save, sender=Takedown, dispatch_uid="exchange.takedown_saved")
def _takedown_saved(sender, instance: Takedown, **kwargs) -> None:
    if instance.first_notice_at is not None:
        _maybe_sync(instance.pk)
    # Our side: the partner said "removed" before this takedown was out for action.
    if (
        instance.status in OUT_FOR_ACTION
        and Forward.objects.filter(record_id=instance.pk, status=Status.REMOVED).exists()
    ):
        from exchange.outbound import forwards_reconcile

        transaction.on_commit(lambda: forwards_reconcile(record_id=instance.pk), robust=True)
