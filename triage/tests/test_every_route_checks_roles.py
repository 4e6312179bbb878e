"""Every triage route, generated from triage.urls, against every kind of visitor."""

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from testsupport.personas import login_password_only, login_verified, make_staff
from testsupport.triage import enriched_record, post
from triage import urls

ROUTES: list[URLPattern] = [p for p in urls.urlpatterns if isinstance(p, URLPattern)]
# Who may open each route; everybody else gets a 403 once signed in past the second factor.
ALLOWED = {
    "triage.assess_record": {"analyst", "senior"},
    "triage.confirm_assessment": {"senior"},
    "triage.bulk_assess": {"senior"},
    # The staff search: every staff role may look a record up (results link to the record page).
    "takedown.view_takedowns": {"analyst", "senior", "manager"},
}
ROLES = ["analyst", "senior", "manager", "outsider"]


def _path(pattern: URLPattern, record_id: int) -> str:
    kwargs = {name: record_id for name in pattern.pattern.converters}
    return reverse(f"triage:{pattern.name}", kwargs=kwargs)


def _ids(pattern: URLPattern) -> str:
    return pattern.name


def test_every_route_is_named_and_goes_through_the_access_layer():
    assert ROUTES, "triage.urls has no routes"
    for pattern in ROUTES:
        assert pattern.name, pattern
        assert hasattr(pattern.callback, "staff_permission"), f"{pattern.name} is not wrapped in staff_view"
        assert pattern.callback.staff_permission in ALLOWED, f"{pattern.name} needs a triage permission"


@pytest.fixture
def record(db):
    return enriched_record("http://example.com/route-matrix")


@pytest.mark.parametrize("pattern", ROUTES, ids=_ids)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, record, pattern, method):
    path = _path(pattern, record.pk)
    response = client.get(path) if method == "get" else post(client, path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))


@pytest.mark.parametrize("pattern", ROUTES, ids=_ids)
@pytest.mark.parametrize("role", ROLES)
def test_a_password_alone_is_not_enough(record, pattern, role):
    client = login_password_only(Client(), make_staff(role))
    response = post(client, _path(pattern, record.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:verify"))


@pytest.mark.parametrize("pattern", ROUTES, ids=_ids)
@pytest.mark.parametrize("role", ROLES)
def test_only_the_right_roles_get_past_the_access_layer(record, pattern, role):
    client = login_verified(Client(), make_staff(role))
    path = _path(pattern, record.pk)
    allowed = role in ALLOWED[pattern.callback.staff_permission]
    for method in ("get", "post"):
        response = client.get(path) if method == "get" else post(client, path)
        if allowed:
            assert not response.get("Location", "").startswith(reverse("staff:login")), f"{role} {method} {path}"
            assert response.status_code != 403, f"{role} refused {method} {path}"
        else:
            assert response.status_code == 403, f"{role} reached {method} {path}"


def test_analysts_cannot_confirm_or_bulk_assess(analyst_client, record):
    assert analyst_client.get(reverse("triage:to_confirm")).status_code == 403
    assert analyst_client.get(reverse("triage:confirm", args=[record.pk])).status_code == 403
    assert analyst_client.get(reverse("triage:bulk")).status_code == 403
    assert post(analyst_client, reverse("triage:bulk_apply")).status_code == 403
