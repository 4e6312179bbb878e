import pytest

from testsupport.memberapi import ApiClient, key, member


@pytest.fixture
def acme(db):
    return member("Acme Filtering")


@pytest.fixture
def acme_key(acme):
    """(ApiKey, the key itself) with every scope."""
    return key(acme)


@pytest.fixture
def api(acme_key):
    """A client sending Acme's key."""
    return ApiClient(acme_key[1])
