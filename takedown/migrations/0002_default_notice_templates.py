"""Seed the default notice templates (takedown/notice_templates/<kind>/<purpose>.txt).

A row that already exists is left alone: managers may have edited it.
Reversing removes only the rows still exactly as seeded.
"""

from pathlib import Path

from django.db import migrations

DEFAULTS_DIR = Path(__file__).resolve().parent.parent / "notice_templates"
# Every kind × purpose that routing and the takedown clock use.
SEEDED = {
    "hosting_provider": ["initial", "repeat"],
    "partner_hotline": ["initial", "repeat", "escalation"],
    "law_enforcement": ["initial", "repeat", "escalation", "inform"],
}


def _defaults():
    # Parsed here rather than imported, so this migration does not change when the code does.
    for kind, purposes in SEEDED.items():
        for purpose in purposes:
            text = (DEFAULTS_DIR / kind / f"{purpose}.txt").read_text(encoding="utf-8")
            head, _, body = text.partition("\n\n")
            yield kind, purpose, head.removeprefix("Subject:").strip(), body


def seed(apps, schema_editor):
    NoticeTemplate = apps.get_model("takedown", "NoticeTemplate")
    for kind, purpose, subject, body in _defaults():
        NoticeTemplate.objects.get_or_create(kind=kind, purpose=purpose, defaults={"subject": subject, "body": body})


def unseed(apps, schema_editor):
    NoticeTemplate = apps.get_model("takedown", "NoticeTemplate")
    for kind, purpose, subject, body in _defaults():
        NoticeTemplate.objects.filter(kind=kind, purpose=purpose, subject=subject, body=body).delete()


class Migration(migrations.Migration):
    dependencies = [("takedown", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
