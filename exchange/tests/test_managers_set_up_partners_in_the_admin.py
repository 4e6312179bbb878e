"""Managers set a partner hotline up for the exchange in the admin: audited, secrets never shown again."""

from __future__ import annotations

import pytest

from exchange.models import ExchangePartner
from memberapi.models import Member
from staff.models import AuditEvent
from takedown.models import Recipient
from testsupport.memberapi import member
from testsupport.takedown import partner

pytestmark = pytest.mark.django_db
SECRET = "a-shared-secret-of-enough-length-" + "z" * 8  # noqa: S105  (test value)


def form(**overrides) -> dict:
    data = {
        "name": "Meldpunt NL",
        "recipient": (Recipient.objects.filter(name="Meldpunt NL").first() or partner("Meldpunt NL")).pk,
        "member": (Member.objects.filter(name="Meldpunt NL").first() or member("Meldpunt NL")).pk,
        "api_url": "https://meldpunt.example/api/v1/",
        "api_key": "rsk_abc_theirkey",
        "secret": SECRET,
        "active": "on",
        "notes": "",
    }
    return data | overrides


def test_a_manager_sets_a_partner_up_and_it_is_on_the_audit_trail(manager_client, manager):
    response = manager_client.post("/admin/exchange/exchangepartner/add/", form())
    assert response.status_code == 302, response.content.decode()[:3000]
    linked = ExchangePartner.objects.get()
    assert linked.recipient.channel == "exchange"
    event = AuditEvent.objects.get(action="configuration_changed", target_id=str(linked.pk))
    assert event.actor == manager and "exchange.exchangepartner" in event.summary

    page = manager_client.get(f"/admin/exchange/exchangepartner/{linked.pk}/change/").content.decode()
    assert SECRET not in page and "rsk_abc_theirkey" not in page
    # Saving without retyping them keeps both.
    data = form(api_key="", secret="", notes="checked")
    assert manager_client.post(f"/admin/exchange/exchangepartner/{linked.pk}/change/", data).status_code == 302
    linked.refresh_from_db()
    assert (linked.secret, linked.api_key, linked.notes) == (SECRET, "rsk_abc_theirkey", "checked")


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"api_url": "http://meldpunt.example/api/v1/"}, "must use https"),
        ({"secret": "short"}, "at least 32 characters"),
    ],
)
def test_an_unsafe_partner_is_refused(manager_client, overrides, error):
    response = manager_client.post("/admin/exchange/exchangepartner/add/", form(**overrides))
    assert response.status_code == 200 and error in response.content.decode()
    assert not ExchangePartner.objects.exists()


def test_analysts_cannot_reach_it(analyst_client):
    assert analyst_client.get("/admin/exchange/exchangepartner/").status_code in (302, 403)
