"""With CACHE_URL on Redis, every web process shares one count."""

import pytest

from reports.models import Report
from testsupport.reports import send_report
from testsupport.services import TEST_REDIS_URL


@pytest.fixture
def redis_cache(settings, redis_flush):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "reportsite.cache.RedisCache", "LOCATION": TEST_REDIS_URL},
    }
    yield redis_flush


@pytest.mark.redis
@pytest.mark.django_db
def test_the_per_client_limit_holds_across_web_processes(client, settings, redis_cache):
    settings.REPORT_RATE_LIMIT = 2
    assert send_report(client, REMOTE_ADDR="203.0.113.5").status_code == 200
    # What another web process would see: the count lives in Redis itself.
    assert any(int(redis_cache.get(key)) == 1 for key in redis_cache.keys("*ratelimit:client:*"))
    assert send_report(client, REMOTE_ADDR="203.0.113.5").status_code == 200
    assert send_report(client, REMOTE_ADDR="203.0.113.5").status_code == 429
    assert Report.objects.count() == 2
    keys = [key.decode() for key in redis_cache.keys("*")]
    assert any("ratelimit:client:" in key for key in keys)
    assert not any("203.0.113.5" in key for key in keys)
    values = [redis_cache.get(key) for key in keys if "ratelimit:secret" not in key]
    assert all(b"203.0.113.5" not in (value or b"") for value in values)
