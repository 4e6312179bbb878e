"""What a notice says: templates, lines, the CSV attachment, and a broken template falling back."""

import csv
import io
import logging
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from takedown.models import Notice, NoticeBatch, NoticeTemplate
from takedown.notices import delivery
from takedown.notices.batching import notices_batch
from takedown.notices.render import batch_render, default_template, template_errors
from testsupport.takedown import confirm, host, located_record, partner
from testsupport.triage import report_about

pytestmark = pytest.mark.django_db

SEEDED = {
    ("hosting_provider", "initial"),
    ("hosting_provider", "repeat"),
    ("partner_hotline", "initial"),
    ("partner_hotline", "repeat"),
    ("partner_hotline", "escalation"),
    ("law_enforcement", "initial"),
    ("law_enforcement", "repeat"),
    ("law_enforcement", "escalation"),
    ("law_enforcement", "inform"),
}


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.HOME_COUNTRY = "GB"
    settings.NOTICE_BATCH_DELAY = timedelta(0)
    settings.HOTLINE_NAME = "Test Hotline"
    settings.NOTICE_REFERENCE_PREFIX = "RS-"
    settings.NOTICE_REPLY_TO = ["analysts@hotline.example"]
    settings.DEFAULT_FROM_EMAIL = "notices@hotline.example"


@pytest.fixture
def batch(analyst, senior):
    host("Example Hosting", cidrs="192.0.2.0/24", email="abuse@example-hosting.net")
    for path in ("one", "two"):
        record = located_record(f"http://pics.example/{path}", country="GB")
        record.first_reported_at = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
        record.save()
        report_about(record, description="I saw this on a forum, my email is reporter@home.example")
        confirm(record, analyst, senior)
    [batch_id] = notices_batch()
    return NoticeBatch.objects.get(pk=batch_id)


def attachment_rows(message) -> list[list[str]]:
    [(name, content, mimetype)] = message.attachments
    assert name.endswith(".csv") and mimetype == "text/csv"
    return list(csv.reader(io.StringIO(content)))


def test_every_kind_and_purpose_routing_uses_is_seeded_and_valid():
    assert set(NoticeTemplate.objects.values_list("kind", "purpose")) == SEEDED
    for template in NoticeTemplate.objects.all():
        assert template_errors(template.subject, template.body) == [], template
        assert (template.subject, template.body) == default_template(template.kind, template.purpose)


def test_the_notice_lists_each_address_in_clear_with_its_metadata(batch):
    rendered = batch_render(batch)
    assert rendered.subject == "Test Hotline: notice of child sexual abuse material on your network (2 addresses)"
    assert "Dear Example Hosting abuse team," in rendered.body
    for notice in Notice.objects.filter(batch=batch).select_related("takedown__record"):
        record = notice.takedown.record
        assert f"RS-{record.pk:07d}  {record.url}" in rendered.body
        assert record.url_sha256 in rendered.body
    assert "Category: Category A; first reported: 2024-05-01T09:30:00Z" in rendered.body
    assert str(batch.key) in rendered.body
    assert rendered.body.rstrip().endswith("Test Hotline")


def test_only_addresses_and_metadata_go_out_never_what_reporters_wrote(batch):
    rendered = batch_render(batch)
    delivery.batch_deliver(batch_id=batch.pk)
    [message] = mail.outbox
    everything = rendered.body + rendered.subject + message.message().as_string()
    assert "forum" not in everything and "reporter@home.example" not in everything


def test_the_email_carries_its_key_as_message_id_reply_to_and_a_csv_of_the_lines(batch):
    assert delivery.batch_deliver(batch_id=batch.pk) == "sent"
    [message] = mail.outbox
    assert message.to == ["abuse@example-hosting.net"]
    assert message.from_email == "notices@hotline.example"
    assert message.reply_to == ["analysts@hotline.example"]
    assert message.extra_headers["Message-ID"] == f"<{batch.key}@reportsite>"
    assert message.message()["Message-ID"] == f"<{batch.key}@reportsite>"
    rows = attachment_rows(message)
    assert rows[0] == ["reference", "url", "sha256", "category", "first_seen", "purpose"]
    records = sorted(Notice.objects.filter(batch=batch).values_list("takedown__record__pk", "takedown__record__url"))
    assert [(r[0], r[1]) for r in rows[1:]] == [(f"RS-{pk:07d}", url) for pk, url in records]
    assert {tuple(r[3:]) for r in rows[1:]} == {("Category A", "2024-05-01T09:30:00Z", "initial")}
    batch.refresh_from_db()
    assert batch.body == message.body and batch.subject == message.subject


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_a_spreadsheet_would_run_are_neutralised(batch, settings, prefix):
    settings.NOTICE_REFERENCE_PREFIX = f"{prefix}HYPERLINK("
    delivery.batch_deliver(batch_id=batch.pk)
    rows = attachment_rows(mail.outbox[0])
    assert all(row[0].startswith(f"'{prefix}HYPERLINK(") for row in rows[1:])


def test_a_batch_mixing_purposes_uses_the_most_pressing_template_and_groups_its_lines(batch):
    notice = Notice.objects.filter(batch=batch).first()
    Notice.objects.filter(pk=notice.pk).update(purpose="repeat")
    rendered = batch_render(batch)
    assert rendered.purpose == "repeat"
    assert rendered.subject.startswith("Test Hotline: REPEAT notice")
    repeat_at, initial_at = rendered.body.index("Repeat notice (1):"), rendered.body.index("Notice (1):")
    assert repeat_at < initial_at
    assert rendered.body.index(notice.takedown.record.url) < initial_at


def test_a_template_edited_by_a_manager_is_used(batch):
    NoticeTemplate.objects.filter(kind="hosting_provider", purpose="initial").update(
        subject="Takedown request from {{ hotline }}",
        body="{% for line in lines %}{{ line.reference }} {{ line.url }} ({{ line.purpose_label }})\n{% endfor %}",
    )
    rendered = batch_render(batch)
    assert not rendered.used_default
    assert rendered.subject == "Takedown request from Test Hotline"
    assert rendered.body.count("(Notice)") == 2


@pytest.mark.parametrize(
    "body",
    [
        "{% for line in lines %}{{ line.url }}",  # does not compile
        "{% include 'other.txt' %}",  # reaches for a file
        "Please remove the content.",  # leaves the addresses out
    ],
)
def test_a_broken_template_falls_back_to_the_default_and_the_notice_still_goes(batch, caplog, body):
    NoticeTemplate.objects.filter(kind="hosting_provider", purpose="initial").update(body=body)
    with caplog.at_level(logging.ERROR, logger="takedown.notices.render"):
        assert delivery.batch_deliver(batch_id=batch.pk) == "sent"
    assert "is broken" in caplog.text
    [message] = mail.outbox
    assert "Dear Example Hosting abuse team," in message.body
    assert message.body.count("http://pics.example/") == 2


def test_a_missing_template_row_falls_back_to_the_default(batch):
    NoticeTemplate.objects.all().delete()
    rendered = batch_render(batch)
    assert rendered.used_default and "Dear Example Hosting abuse team," in rendered.body


def test_template_errors_explains_what_is_wrong():
    assert template_errors("{{ hotline }}", "{% for line in lines %}{{ line.url }}\n{% endfor %}") == []
    [error] = template_errors("ok", "{% for line in lines %}{{ line.url }}")
    assert error.startswith("Body: TemplateSyntaxError")
    [error] = template_errors("{% if %}", "{% for line in lines %}{{ line.url }}{% endfor %}")
    assert error.startswith("Subject:")
    [error] = template_errors("ok", "{% load static %}")
    assert "static" in error
    [error] = template_errors("ok", "Please remove it.")
    assert "leaves out 2 address(es)" in error
    [error] = template_errors("", "{% for line in lines %}{{ line.url }}{% endfor %}")
    assert "subject is empty" in error
    [error] = template_errors("ok", "{% include 'x.txt' %}{% for line in lines %}{{ line.url }}{% endfor %}")
    assert "cannot include or extend" in error


def test_a_partner_gets_the_partner_text(analyst, senior):
    partner("Offlimits", countries="NL")
    confirm(located_record("http://abroad.example/a", country="NL"), analyst, senior)
    [batch_id] = notices_batch()
    rendered = batch_render(NoticeBatch.objects.get(pk=batch_id))
    assert "Dear colleagues at Offlimits," in rendered.body
    assert "hosted in your country" in rendered.subject
