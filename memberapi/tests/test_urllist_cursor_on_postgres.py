"""The cursor with concurrent commits on PostgreSQL: a change committed late is never skipped.

The trap: ListChange ids are drawn when a listing transaction inserts its
row, not when it commits. Below, the transaction holding the lower id
commits after a member has read the higher one; a cursor of "ids seen so
far" would skip it for ever. Positions are handed out when a change is seen
committed, so it arrives in the member's next read.
"""

import json
import random
import threading
import time

import pytest
from django.db import connections, transaction
from django.utils import timezone

from memberapi.models import ListChange
from memberapi.sequencing import changes_sequence
from takedown.models import Takedown
from takedown.signals import listing_changed
from testsupport.memberapi import ApiClient, beat, body, key, member
from testsupport.takedown import located_record
from testsupport.triage import assess
from triage.services.assessments import assessment_confirm

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
URLLIST = "/api/v1/urllist/"


def read(client, since, *, after_beat=True):
    if after_beat:
        beat()
    response = client.get(URLLIST, {"since": since})
    assert response.status_code == 200
    return json.loads(body(response))


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


def test_a_confirmation_committed_after_a_later_one_was_read_is_not_skipped(analyst, senior, senior2):
    client = ApiClient(key(member())[1])
    slow = located_record("http://slow.example/a", country="ZZ")
    fast = located_record("http://fast.test/b", country="ZZ")
    slow_view, fast_view = assess(analyst, slow, "criminal_a"), assess(analyst, fast, "criminal_b")
    cursor = read(client, "0")["cursor"]

    inside, finish = threading.Event(), threading.Event()

    def slow_confirmation():
        with transaction.atomic():
            assessment_confirm(assessment=slow_view, confirmer=senior)
            inside.set()  # its ListChange row exists, uncommitted
            assert finish.wait(30)

    thread, errors = in_thread(slow_confirmation)
    assert inside.wait(30)
    assessment_confirm(assessment=fast_view, confirmer=senior2)  # commits while the slow one is open

    first = read(client, cursor)
    assert [c["url"] for c in first["changes"]] == [fast.url]

    finish.set()
    thread.join(30)
    assert not errors
    slow_id, fast_id = (ListChange.objects.get(record=r).pk for r in (slow, fast))
    assert slow_id < fast_id  # "id > last id seen" would have skipped the slow one

    second = read(client, first["cursor"])
    assert [(c["change"], c["url"], c["category"]) for c in second["changes"]] == [("added", slow.url, "A")]
    assert read(client, second["cursor"])["changes"] == []


def test_a_member_polling_during_many_concurrent_commits_sees_each_change_exactly_once(db):
    client = ApiClient(key(member(), rate_limit="100000/min")[1])
    writers, flips = 4, 12
    records = [[located_record(f"http://w{w}.example/{n}", country="ZZ") for n in range(3)] for w in range(writers)]
    done = threading.Event()
    seen: list[dict] = []

    def write(mine):
        rng = random.Random(id(mine))
        state = dict.fromkeys((r.pk for r in mine), False)
        for _ in range(flips):
            record_id = rng.choice(list(state))
            state[record_id] = not state[record_id]
            with transaction.atomic():
                listing_changed.send(sender=Takedown, record_id=record_id, listed=state[record_id], at=timezone.now())
                time.sleep(rng.uniform(0, 0.02))  # commit out of id order with the other writers

    def poll():
        cursor = "0"
        while True:
            last = done.is_set()
            data = read(client, cursor, after_beat=False)
            seen.extend(data["changes"])
            cursor = data["cursor"]
            if last:
                return

    writing_done = threading.Event()

    def sequence():  # the beat, on its own, while members read and writers commit
        while True:
            last = writing_done.is_set()
            changes_sequence(batch=5)
            if last:
                return
            time.sleep(0.005)

    sequencer, sequencer_errors = in_thread(sequence)
    reader, reader_errors = in_thread(poll)
    threads = [in_thread(lambda mine=mine: write(mine)) for mine in records]
    for thread, errors in threads:
        thread.join(60)
        assert not errors
    writing_done.set()
    sequencer.join(60)
    assert not sequencer_errors
    done.set()
    reader.join(60)
    assert not reader_errors

    assert len(seen) == writers * flips  # none skipped, none repeated
    held: set[str] = set()
    for change in seen:
        if change["change"] == "added":
            assert change["url"] not in held  # an add while listed would be a repeat
            held.add(change["url"])
        else:
            held.remove(change["url"])  # a remove of something never added would be a skip
    full = json.loads(body(client.get(URLLIST)))
    assert held == {e["url"] for e in full["entries"]}
    assert ListChange.objects.filter(position__isnull=True).count() == 0
