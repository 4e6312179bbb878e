"""The claim race on PostgreSQL: two analysts press Next at the same moment, one record waits."""

import threading

import pytest
from django.db import connection

from testsupport.personas import make_staff
from testsupport.triage import enriched_record
from triage.models import TriageState
from triage.services import claims

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(users, action) -> list:
    barrier = threading.Barrier(len(users))
    results: list = [None] * len(users)

    def run(index, user):
        try:
            barrier.wait(timeout=10)
            results[index] = action(user)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, u)) for i, u in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_analysts_pressing_next_get_one_record_between_them():
    record = enriched_record("http://example.com/race")
    first, second = make_staff("analyst"), make_staff("analyst")
    for _ in range(5):
        TriageState.objects.filter(pk=record.pk).update(claimed_by=None, claimed_until=None)
        results = _race([first, second], lambda user: claims.record_claim_next(user=user))
        assert sorted(results, key=lambda r: r is None) == [record.pk, None]
        winner = TriageState.objects.get(pk=record.pk).claimed_by
        assert winner.pk in (first.pk, second.pk)


def test_two_analysts_claiming_the_same_record_do_not_both_win():
    record = enriched_record("http://example.com/race-2")
    users = [make_staff("analyst") for _ in range(4)]
    results = _race(users, lambda user: claims.record_claim(record_id=record.pk, user=user))
    assert results.count(True) == 1
    holder = TriageState.objects.get(pk=record.pk).claimed_by
    assert holder == users[results.index(True)]


def test_with_two_records_each_analyst_gets_a_different_one():
    records = {enriched_record(f"http://example.com/race-{n}").pk for n in range(2)}
    users = [make_staff("analyst"), make_staff("analyst")]
    results = _race(users, lambda user: claims.record_claim_next(user=user))
    assert set(results) == records
