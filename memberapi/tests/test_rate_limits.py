"""Each key has its own rate limit: API_RATE_LIMIT, or the key's own."""

import pytest

from testsupport.memberapi import ApiClient, key

pytestmark = pytest.mark.django_db
URLLIST = "/api/v1/urllist/"


def test_a_key_over_its_rate_is_told_to_wait_and_other_keys_are_not(acme, settings):
    settings.API_RATE_LIMIT = "3/min"
    busy, calm = ApiClient(key(acme)[1]), ApiClient(key(acme)[1])
    assert [busy.get(URLLIST).status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = busy.get(URLLIST)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert refused.json()["detail"]
    assert calm.get(URLLIST).status_code == 200


def test_a_key_can_have_its_own_rate(acme, settings):
    settings.API_RATE_LIMIT = "1/min"
    generous = ApiClient(key(acme, rate_limit="5/min")[1])
    assert [generous.get(URLLIST).status_code for _ in range(6)] == [200] * 5 + [429]


@pytest.mark.parametrize("rate", ["600/min", "20/s", "10000/day", "5/hour"])
def test_good_rates_are_accepted(rate):
    from memberapi.throttling import rate_check

    assert rate_check(rate, name="X") == rate


@pytest.mark.parametrize("rate", ["600", "0/min", "fast", "10/week", "-1/s", ""])
def test_bad_rates_stop_the_process(rate):
    from django.core.exceptions import ImproperlyConfigured

    from memberapi.throttling import rate_check

    with pytest.raises(ImproperlyConfigured):
        rate_check(rate, name="API_RATE_LIMIT")
