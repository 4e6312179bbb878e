"""The staff pages' wording: plural names in the admin, countries, removal times, forced choices, clear errors."""

from datetime import timedelta

import pytest
from django.urls import reverse

from takedown.forms import OverrideForm, ReplyForm
from takedown.models import NoticeBatch, Reply, Takedown
from testsupport.takedown import confirm, deliver, host, located_record, police, takedown_of
from triage.forms import AssessmentForm, BulkAssessmentForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def takedown(settings, analyst, senior):
    settings.HOME_COUNTRY = "GB"
    host("Example Hosting", cidrs="192.0.2.0/24")
    police("NCA CEOP", countries="GB")
    record = located_record("http://evil.example/gallery?id=7", country="GB")
    deliver(confirm(record, analyst, senior))
    return takedown_of(record)


def test_the_admin_says_notice_batches_and_replies():
    assert NoticeBatch._meta.verbose_name_plural == "notice batches"
    assert Reply._meta.verbose_name_plural == "replies"


def test_the_admin_index_uses_the_plurals(manager_client):
    manager_client.user.is_staff = True
    page = manager_client.get(reverse("admin:app_list", args=["takedown"])).content.decode()
    assert "Notice batches" in page and "Replies" in page
    assert "batchs" not in page and "Replys" not in page


def test_the_admin_shows_removal_times_in_words(manager_client, takedown):
    Takedown.objects.filter(pk=takedown.pk).update(
        removal_after_report=timedelta(days=3), removal_after_notice=timedelta(hours=2, minutes=5)
    )
    page = manager_client.get(reverse("admin:takedown_takedown_change", args=[takedown.pk])).content.decode()
    assert "3 days" in page and "2 hours, 5 minutes" in page
    assert "3 days, 0:00:00" not in page


def test_the_reply_form_preselects_no_answer(analyst_client, takedown):
    page = analyst_client.get(reverse("triage:record", args=[takedown.pk])).content.decode()
    form = page[page.index('name="says"') :]
    form = form[: form.index("</select>")]
    assert 'value="" selected' in form
    assert 'value="removed" selected' not in form


def test_a_reply_without_an_answer_is_refused_with_a_clear_message():
    form = ReplyForm({"says": "", "text": "They wrote back"})
    assert not form.is_valid()
    assert form.errors["says"] == ["Choose what they said."]


def test_required_fields_say_what_is_missing():
    assert AssessmentForm({}).errors["outcome"] == ["Choose an outcome."]
    assert BulkAssessmentForm({"outcome": "not_illegal"}).errors["host"] == ["Give the host, exactly as in the queue."]
    errors = OverrideForm({}).errors
    assert errors["route"] == ["Choose a route."]
    assert errors["recipient"] == ["Choose who to send it to."]
    assert errors["reason"] == ["Say why the route changes."]
    every = [m for f in (AssessmentForm({}), OverrideForm({}), ReplyForm({})) for ms in f.errors.values() for m in ms]
    assert "This field is required." not in every


def test_an_unknown_hosting_country_is_said_in_words(analyst_client, takedown):
    Takedown.objects.filter(pk=takedown.pk).update(country_code="")
    page = analyst_client.get(reverse("takedown:overview")).content.decode()
    row = page[page.index(f"Record {takedown.pk}") :]
    row = row[: row.index("</tr>")]
    assert "unknown" in row and ">?<" not in row
