"""After TRIAGE_BREAK_AFTER of continuous triage the pages suggest a ten-minute break."""

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

BANNER = "Time for a break."


def _work(client, traveller, minutes: int, every: int = 5) -> str:
    """Keep triaging for `minutes`, a page every `every` minutes; the last page's text."""
    html = ""
    for _ in range(minutes // every):
        traveller.shift(timedelta(minutes=every))
        html = client.get(reverse("triage:queue")).content.decode()
    return html


def test_no_banner_during_the_first_fifty_minutes(analyst_client):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert BANNER not in analyst_client.get(reverse("triage:queue")).content.decode()
        assert BANNER not in _work(analyst_client, traveller, 45)


def test_the_banner_appears_after_fifty_minutes_of_continuous_triage(analyst_client, db):
    from testsupport.triage import enriched_record

    record = enriched_record("http://example.com/break")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        analyst_client.get(reverse("triage:queue"))
        assert BANNER in _work(analyst_client, traveller, 50)
        page = analyst_client.get(reverse("triage:record", args=[record.pk])).content.decode()
        assert BANNER in page and 'role="status"' in page


def test_a_gap_of_ten_minutes_starts_a_new_stretch(analyst_client):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        analyst_client.get(reverse("triage:queue"))
        _work(analyst_client, traveller, 40)
        traveller.shift(timedelta(minutes=10))  # a break (the staff session allows 30 idle minutes)
        analyst_client.get(reverse("triage:queue"))  # the new stretch starts here
        assert BANNER not in _work(analyst_client, traveller, 45)
        assert BANNER in _work(analyst_client, traveller, 5)


def test_short_pauses_do_not_reset_it(analyst_client):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        analyst_client.get(reverse("triage:queue"))
        assert BANNER in _work(analyst_client, traveller, 54, every=9)
