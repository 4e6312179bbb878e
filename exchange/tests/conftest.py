import pytest


@pytest.fixture(autouse=True)
def _partners_on_loopback(settings):
    # The partners' APIs in these tests are on loopback, which only an allowed network lets a request reach.
    settings.CHECK_ALLOW_NETWORKS = ["127.0.0.0/8"]
