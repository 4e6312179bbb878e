"""Someone who can read the rate limit's Redis learns no reporter's address, nor when within the hour
they reported (issue 15, item 2).

Before: the day's HMAC secret lived in the same Redis as the keys (so every IPv4 address could be
tried against them in hours), and each key's TTL, set as creation + window, gave its creation time to
the millisecond, to be matched against Report.received_at.
"""

import ipaddress

import pytest

from publicsite import ratelimit
from testsupport.services import TEST_REDIS_URL

HOUR = 3600
# A moment well inside an hour, not on any boundary.
NOW = 86400 * 30000 + 7 * HOUR + 1234.567


@pytest.fixture
def redis_cache(settings, redis_flush):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "reportsite.cache.RedisCache", "LOCATION": TEST_REDIS_URL},
    }
    settings.REPORT_RATE_LIMIT = 10
    settings.REPORT_GLOBAL_RATE_LIMIT = 2000
    yield redis_flush


def _take(rf, address, now=NOW):
    return ratelimit.report_allowance_take(rf.post("/", REMOTE_ADDR=address), now=now)


@pytest.mark.redis
def test_redis_holds_no_secret_that_would_let_addresses_be_tried(rf, redis_cache):
    _take(rf, "203.0.113.77")
    for key in redis_cache.keys("*"):
        assert b"secret" not in key
        value = redis_cache.get(key)
        # Only small counters: nothing a key could be derived from.
        assert len(value or b"") <= 8, (key, value)


def test_the_client_key_depends_on_a_secret_from_the_settings_not_on_the_cache(rf, settings):
    request = rf.post("/", REMOTE_ADDR="203.0.113.77")
    first = ratelimit.client_key(request, now=NOW)
    settings.SECRET_KEY = "another deployment's secret key, long enough to pass the checks"  # noqa: S105
    assert ratelimit.client_key(request, now=NOW) != first


@pytest.mark.redis
def test_every_key_expires_at_the_end_of_its_window_whenever_it_was_made(rf, redis_cache):
    _take(rf, "203.0.113.77", now=NOW)
    _take(rf, "203.0.113.78", now=NOW + 100.25)
    expiries = set()
    for key in redis_cache.keys("*ratelimit*"):
        # PEXPIRETIME is Redis 7; compute it from PTTL against Redis's own clock instead.
        seconds, micros = redis_cache.time()
        expires_at_ms = seconds * 1000 + micros // 1000 + redis_cache.pttl(key)
        expiries.add(round(expires_at_ms / 1000))
        assert expires_at_ms % 1000 in (0, 999, 1, 998, 2), "the expiry carries sub-second detail"
    window_end = (int(NOW) // HOUR + 1) * HOUR
    # Expiries are whole window boundaries, none tied to the moment a key was made.
    assert all((moment - window_end) % 60 == 0 for moment in expiries), expiries


def _expireat_used(redis_cache, monkeypatch):
    seen = []
    import redis.client

    original = redis.client.Pipeline.execute_command

    def spy(self, *args, **kwargs):
        seen.append(args[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(redis.client.Pipeline, "execute_command", spy)
    return seen


@pytest.mark.redis
def test_the_expiry_is_set_absolutely_on_the_window_boundary(rf, redis_cache, monkeypatch):
    seen = _expireat_used(redis_cache, monkeypatch)
    _take(rf, "203.0.113.77", now=NOW)
    assert "EXPIREAT" in seen
    assert "SET" not in seen and "EXPIRE" not in seen


def test_ipv6_clients_are_keyed_by_their_64_bit_network(rf):
    network = ipaddress.ip_network("2a01:4f8:1:2::/64")
    keys = {ratelimit.client_key(rf.post("/", REMOTE_ADDR=str(network[n])), now=NOW) for n in (1, 2, 2**40, 2**63)}
    assert len(keys) == 1
    other = ratelimit.client_key(rf.post("/", REMOTE_ADDR="2a01:4f8:1:3::1"), now=NOW)
    assert other not in keys


def test_each_tor_circuit_is_still_a_client_of_its_own(rf):
    # tor's HiddenServiceExportCircuitID: every circuit an address in fc00:dead:beef:4dad::/64 (docs/deploy.md).
    first = ratelimit.client_key(rf.post("/", REMOTE_ADDR="fc00:dead:beef:4dad::1:2"), now=NOW)
    second = ratelimit.client_key(rf.post("/", REMOTE_ADDR="fc00:dead:beef:4dad::1:3"), now=NOW)
    assert first != second


def test_an_ipv4_client_is_the_same_client_written_as_mapped_ipv6(rf):
    plain = ratelimit.client_key(rf.post("/", REMOTE_ADDR="203.0.113.5"), now=NOW)
    assert ratelimit.client_key(rf.post("/", REMOTE_ADDR="::ffff:203.0.113.5"), now=NOW) == plain
    assert ratelimit.client_key(rf.post("/", REMOTE_ADDR="203.0.113.6"), now=NOW) != plain


def test_many_addresses_of_one_ipv6_network_cannot_get_round_the_client_limit(rf, settings):
    settings.REPORT_RATE_LIMIT = 2
    settings.REPORT_GLOBAL_RATE_LIMIT = 0
    verdicts = [_take(rf, f"2a01:4f8:5:6::{n:x}").allowed for n in range(1, 5)]
    assert verdicts == [True, True, False, False]


@pytest.mark.redis
def test_the_used_form_token_key_does_not_date_the_report_either(redis_cache):
    from publicsite import formguard

    token = formguard.token_issue(now=NOW - 60)
    formguard.mark_submitted(token, "R-TEST-0001", now=NOW)
    assert formguard.earlier_submission(token) == "R-TEST-0001"
    [key] = redis_cache.keys("*formguard:used:*")
    seconds, micros = redis_cache.time()
    expires_at_ms = seconds * 1000 + micros // 1000 + redis_cache.pttl(key)
    assert round(expires_at_ms / 1000) % HOUR == 0
    assert expires_at_ms % 1000 in (0, 999, 1, 998, 2)
