"""The URL list follows takedown: one ListChange per listing change, in the same transaction."""

from __future__ import annotations

from django.dispatch import receiver

from memberapi.models import ListChange
from takedown.signals import listing_changed


@receiver(listing_changed, dispatch_uid="memberapi.log_listing_change")
def _log_listing_change(sender, record_id: int, listed: bool, at, **kwargs) -> None:
    # Only an insert: no lock is taken here, so confirming or closing a
    # takedown never waits on members reading the list (see models).
    ListChange.objects.create(record_id=record_id, listed=listed, at=at)
