"""The takedown overview and the record page's takedown section: who may see and do what, and nothing live."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from staff.models import AuditEvent
from takedown import urls
from takedown.models import Reply, Takedown
from testsupport.personas import login_verified, make_staff
from testsupport.takedown import confirm, deliver, host, located_record, partner, police, takedown_of
from testsupport.triage import post

pytestmark = pytest.mark.django_db

ROUTES: list[URLPattern] = [p for p in urls.urlpatterns if isinstance(p, URLPattern)]
ALLOWED = {"takedown.view_takedowns": {"analyst", "senior", "manager"}, "takedown.override_route": {"senior"}}


@pytest.fixture(autouse=True)
def _home(settings):
    settings.HOME_COUNTRY = "GB"


@pytest.fixture
def takedown(analyst, senior):
    host("Example Hosting", cidrs="192.0.2.0/24")
    police("NCA CEOP", countries="GB")
    record = located_record("http://evil.example/gallery?id=7", country="GB")
    takedown = confirm(record, analyst, senior)
    deliver(takedown)
    return takedown_of(record)


def test_every_takedown_route_goes_through_the_access_layer():
    assert ROUTES
    for pattern in ROUTES:
        assert getattr(pattern.callback, "staff_permission", None) in ALLOWED, pattern.name


@pytest.mark.parametrize("pattern", ROUTES, ids=lambda p: p.name)
@pytest.mark.parametrize("role", ["analyst", "senior", "manager", "outsider"])
def test_each_role_gets_exactly_its_routes(takedown, pattern, role):
    client = login_verified(Client(), make_staff(role, username=f"{role}-matrix"))
    kwargs = {name: takedown.pk for name in pattern.pattern.converters}
    path = reverse(f"takedown:{pattern.name}", kwargs=kwargs)
    response = client.get(path) if pattern.name == "overview" else post(client, path, {})
    allowed = role in ALLOWED[pattern.callback.staff_permission]
    assert (response.status_code != 403) == allowed, (pattern.name, role, response.status_code)


def test_the_record_page_shows_route_reason_and_notices_without_a_live_address(analyst_client, takedown):
    page = analyst_client.get(reverse("triage:record", args=[takedown.pk])).content.decode()
    section = page[page.index('id="takedown-heading"') :]
    assert "Notice sent to the hosting provider" in section
    assert "Example Hosting" in section and "NCA CEOP" in section
    assert "192[.]0[.]2[.]0/24" in section  # the reason, defanged like any address in text
    # The section names the address only defanged (the page's one clear copy is the
    # read-only copy field of the address panel, never a link).
    assert "evil.example" not in section
    assert not re.search(r'(href|src|action)="[^"]*evil', page)


def test_the_overview_lists_takedowns_by_tab(analyst_client, takedown):
    page = analyst_client.get(reverse("takedown:overview")).content.decode()
    assert f"Record {takedown.pk}" in page
    assert "evil[.]example" in page
    closed = analyst_client.get(reverse("takedown:overview") + "?view=closed").content.decode()
    assert f"Record {takedown.pk}" not in closed
    odd = analyst_client.get(reverse("takedown:overview") + "?view=<script>")
    assert odd.status_code == 200 and "<script>" not in odd.content.decode()


def test_an_analyst_records_a_reply(analyst, analyst_client, takedown):
    response = post(
        analyst_client,
        reverse("takedown:reply", args=[takedown.pk]),
        {"says": "will_act", "text": "Ticket 99 opened", "recipient": takedown.recipient_id},
    )
    assert response.status_code == 302
    reply = Reply.objects.get(takedown=takedown)
    assert (reply.says, reply.recipient, reply.recorded_by) == ("will_act", takedown.recipient, analyst)
    page = analyst_client.get(reverse("triage:record", args=[takedown.pk])).content.decode()
    assert "Ticket 99 opened" in page


@pytest.mark.parametrize(
    "data",
    [
        {"says": "moved"},  # moved, but where to?
        {"says": "removed", "moved_to": "http://elsewhere.example/"},
        {"says": "nonsense"},
        {"says": "removed", "received_at": "2999-01-01 00:00"},
    ],
    ids=["moved-without-address", "address-without-moved", "unknown-answer", "from-the-future"],
)
def test_a_bad_reply_is_refused_and_stores_nothing(analyst_client, takedown, data):
    response = post(analyst_client, reverse("takedown:reply", args=[takedown.pk]), data)
    assert response.status_code == 302
    assert not Reply.objects.exists()
    assert not AuditEvent.objects.filter(action="reply_recorded").exists()
    page = analyst_client.get(response["Location"]).content.decode()
    assert "The reply was not recorded" in page


def test_a_senior_overrides_through_the_page(senior2, analyst, takedown):
    client = login_verified(Client(), senior2)
    other = partner("Offlimits", countries="NL")
    response = post(
        client,
        reverse("takedown:override", args=[takedown.pk]),
        {"route": "partner", "recipient": other.pk, "reason": "Provider is a front for a Dutch host"},
    )
    assert response.status_code == 302
    after = Takedown.objects.get(pk=takedown.pk)
    assert (after.route, after.recipient) == ("partner", other)
    assert AuditEvent.objects.filter(action="route_overridden", actor=senior2).exists()


def test_an_override_that_does_not_fit_is_refused_with_a_message(senior2, takedown):
    client = login_verified(Client(), senior2)
    response = post(
        client,
        reverse("takedown:override", args=[takedown.pk]),
        {"route": "home", "recipient": partner("Offlimits").pk, "reason": "x"},
    )
    page = client.get(response["Location"]).content.decode()
    assert "does not fit that route" in page
    assert Takedown.objects.get(pk=takedown.pk).route == "home"
