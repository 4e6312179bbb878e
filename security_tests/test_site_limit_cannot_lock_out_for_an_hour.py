"""A flood cannot stop every genuine reporter for an hour (issue 15, item 2).

Before: once REPORT_GLOBAL_RATE_LIMIT reports had come in during an hour, every reporter was refused
until the hour was over. Now the site-wide limit is a rate over one minute (see publicsite.ratelimit):
a burst is refused only for the minute it lasts, and a client's first report of the hour gets a
reserve above that rate, so a flood from a few addresses does not shut out everyone else.
"""

import pytest
from django.core.cache import cache

from publicsite import ratelimit

START = 86400 * 30000 + 7 * 3600 + 5.0


@pytest.fixture
def flood_settings(settings):
    cache.clear()
    settings.REPORT_RATE_LIMIT = 0
    settings.REPORT_GLOBAL_RATE_LIMIT = 600  # ten a minute


def _take(rf, address, now):
    return ratelimit.report_allowance_take(rf.post("/", REMOTE_ADDR=address), now=now)


def test_a_flood_from_one_address_is_refused_but_a_new_reporter_still_gets_through(rf, flood_settings):
    verdicts = [_take(rf, "198.51.100.1", START + n * 0.1) for n in range(100)]
    assert sum(v.allowed for v in verdicts) <= 12
    assert verdicts[-1].scope == "site"
    assert _take(rf, "203.0.113.50", START + 11).allowed


def test_a_burst_does_not_lock_the_site_for_the_rest_of_the_hour(rf, flood_settings):
    for n in range(600):
        _take(rf, f"198.51.{n // 250}.{n % 250}", START + n * 0.05)
    assert not _take(rf, "198.51.100.1", START + 31).allowed
    # Three minutes later, not an hour: a genuine reporter who tries again is let in.
    assert _take(rf, "198.51.100.1", START + 200).allowed
    assert _take(rf, "203.0.113.99", START + 200).allowed
