"""The default portal, so an installation always has one and serves as before.

Its name is HOTLINE_NAME at the time of migrating (managers change it in the
admin). Its home country is left blank, meaning "the installation's
HOME_COUNTRY", so a HOME_COUNTRY set after the first migrate still routes
correctly rather than being frozen here.
"""

from django.conf import settings
from django.db import migrations


def create_default(apps, schema_editor):
    Portal = apps.get_model("portals", "Portal")
    if not Portal.objects.filter(is_default=True).exists():
        Portal.objects.create(slug="default", name=settings.HOTLINE_NAME[:120], is_default=True, active=True)


class Migration(migrations.Migration):
    dependencies = [("portals", "0001_initial")]

    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
