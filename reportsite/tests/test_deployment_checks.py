from django.core import checks

from reportsite.checks import production_shape


def ids():
    return {message.id for message in production_shape(None)}


def test_production_behind_a_proxy_must_name_the_client_address_header(settings):
    settings.PRODUCTION = True
    settings.CLIENT_IP_META_KEY = "REMOTE_ADDR"
    settings.CACHE_URL = "redis://127.0.0.1:6379/1"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert ids() == {"reportsite.W001"}
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    assert ids() == set()


def test_production_needs_a_shared_cache_and_a_broker(settings):
    settings.PRODUCTION = True
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    settings.CACHE_URL = ""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert ids() == {"reportsite.W002", "reportsite.W003"}


def test_development_is_not_nagged(settings):
    settings.PRODUCTION = False
    assert ids() == set()


def test_the_checks_run_with_check_deploy():
    registered = checks.registry.registry.get_checks(include_deployment_checks=True)
    assert production_shape in registered
