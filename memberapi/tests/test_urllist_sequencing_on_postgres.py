"""Two sequencers at once, with writers committing meanwhile: no position is handed out twice or skipped."""

import threading

import pytest
from django.db import connections, transaction
from django.utils import timezone

from memberapi.models import ListChange, Listing, ListPosition
from memberapi.sequencing import changes_sequence
from takedown.models import Takedown
from takedown.signals import listing_changed
from testsupport.takedown import located_record

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def in_thread(target):
    errors = []

    def run():
        try:
            target()
        except BaseException as exc:  # surfaced in the test thread
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def test_two_sequencers_never_duplicate_or_skip_a_position(db):
    records = [located_record(f"http://seq{n}.example/", country="ZZ") for n in range(8)]
    writing = threading.Event()
    writing.set()
    flips = 60

    def write(offset):
        state = dict.fromkeys((r.pk for r in records[offset::2]), False)
        for n in range(flips):
            record_id = list(state)[n % len(state)]
            state[record_id] = not state[record_id]
            with transaction.atomic():
                listing_changed.send(sender=Takedown, record_id=record_id, listed=state[record_id], at=timezone.now())

    def sequence():
        while writing.is_set():
            changes_sequence(batch=3)
        changes_sequence(batch=3)

    sequencers = [in_thread(sequence) for _ in range(2)]
    writers = [in_thread(lambda offset=offset: write(offset)) for offset in range(2)]
    for thread, errors in writers:
        thread.join(60)
        assert not errors
    writing.clear()
    for thread, errors in sequencers:
        thread.join(60)
        assert not errors
    changes_sequence()  # whatever the last race left for the next run

    positions = sorted(ListChange.objects.values_list("position", flat=True))
    assert positions == list(range(1, 2 * flips + 1))
    assert ListPosition.objects.get(pk=1).last == 2 * flips
    # Replaying the changes in position order gives the list as Listing holds it.
    held: set[int] = set()
    for record_id, on in ListChange.objects.order_by("position").values_list("record_id", "listed"):
        (held.add if on else held.discard)(record_id)
    assert held == set(Listing.objects.filter(removed_position__isnull=True).values_list("record_id", flat=True))
