"""Drop the unconfirmed TOTP devices the old enrolment flow left behind.

Each held a secret that anyone holding the password could have been shown
(issue 15). They are never used to sign in (only confirmed devices are), and
enrolment now keeps its secret in the browser session until it is confirmed,
so none is needed; deleting them means no such secret can ever be confirmed.
"""

from django.db import migrations


def drop_unconfirmed(apps, schema_editor):
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    TOTPDevice.objects.filter(confirmed=False).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0007_enrolment_link"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(drop_unconfirmed, migrations.RunPython.noop)]
