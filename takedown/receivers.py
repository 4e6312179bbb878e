"""Takedown listens to triage (a confirmation opens a takedown) and to enrichment (each check)."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from enrichment.signals import liveness_checked
from takedown import lifecycle, selectors
from takedown.models import Recipient
from triage.events import record_confirmed


@receiver(record_confirmed, dispatch_uid="takedown.open_on_confirmation")
def _open_on_confirmation(sender, record, at, **kwargs) -> None:
    # In the confirming transaction: a confirmed record always has its takedown.
    lifecycle.takedown_open(record=record, at=at)


@receiver(liveness_checked, dispatch_uid="takedown.react_to_check")
def _react_to_check(sender, record, check, **kwargs) -> None:
    # One primary-key probe; records without a takedown are left alone there.
    lifecycle.takedown_checked(record=record, check=check)


@receiver(post_save, sender=Recipient, dispatch_uid="takedown.recipient_saved")
@receiver(post_delete, sender=Recipient, dispatch_uid="takedown.recipient_deleted")
def _recipients_changed(sender, **kwargs) -> None:
    # The override form's cached choices (takedown.selectors.override_choices):
    # dropped once the change is committed, so the next page reads the new directory.
    transaction.on_commit(selectors.override_choices_forget)
