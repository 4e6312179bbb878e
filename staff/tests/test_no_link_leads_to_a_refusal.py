"""Each persona lands somewhere useful and no link they are shown leads to a 403.

From the staff home page, every link a person sees (the top bar, the home
page's list of what they can do, and the pages those lead to, one level on)
is followed; none may answer 403. The manager, who has no queue, lands on a
home page that offers the dashboard, takedown, audit and configuration.
"""

import re

import pytest
from django.urls import reverse

from testsupport.takedown import confirm, deliver, host, located_record, police

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a [^>]*href="(/[^"#?]*)(?:[?#][^"]*)?"')
# Followed with care: POST-only, downloads, or the other side of signing out.
NOT_FOLLOWED = ("/staff/logout/", "/staff/audit/export.csv", "/static/")


@pytest.fixture(autouse=True)
def a_confirmed_record(settings, analyst, senior):
    settings.HOME_COUNTRY = "GB"
    host("Example Hosting", cidrs="192.0.2.0/24")
    police("NCA CEOP", countries="GB")
    deliver(confirm(located_record("http://evil.example/gallery?id=7", country="GB"), analyst, senior))


def links(page: str) -> set[str]:
    return {href for href in LINK.findall(page) if not href.startswith(NOT_FOLLOWED)}


@pytest.mark.parametrize("persona", ["analyst", "senior", "manager", "outsider"])
def test_no_link_shown_to_a_persona_answers_403(persona, request):
    client = request.getfixturevalue(f"{persona}_client")
    home = client.get(reverse("staff:home"))
    assert home.status_code == 200
    seen, refused = set(), []
    frontier = links(home.content.decode())
    for _depth in range(2):
        following = set()
        for path in sorted(frontier - seen):
            seen.add(path)
            response = client.get(path)
            if response.status_code == 403:
                refused.append(path)
            elif response.status_code == 200 and "html" in response.get("Content-Type", ""):
                following |= links(response.content.decode())
        frontier = following
    assert not refused, f"{persona} is shown links to pages that refuse them: {refused}"
    assert len(seen) > (1 if persona == "outsider" else 3)


def test_a_manager_signs_in_to_a_home_page_of_what_they_can_do(manager_client):
    page = manager_client.get(reverse("staff:home")).content.decode()
    for name in ["dashboard:dashboard", "takedown:overview", "staff:audit", "admin:auth_user_changelist"]:
        assert f'href="{reverse(name)}"' in page, name
    assert f'href="{reverse("admin:takedown_partnerhotline_changelist")}"' in page
    assert 'href="/triage/' not in page, "a manager has no queue: no link to it"


def test_an_analyst_is_offered_the_queue_and_takedown_but_no_dashboard(analyst_client):
    page = analyst_client.get(reverse("staff:home")).content.decode()
    assert f'href="{reverse("triage:queue")}"' in page and f'href="{reverse("takedown:overview")}"' in page
    assert reverse("dashboard:dashboard") not in page and "/admin/" not in page


def test_the_takedown_overview_names_records_without_linking_them_for_a_manager(manager_client, analyst_client):
    assert 'href="/triage/record/' not in manager_client.get(reverse("takedown:overview")).content.decode()
    assert 'href="/triage/record/' in analyst_client.get(reverse("takedown:overview")).content.decode()
