"""Seed the category taxonomy named in the lists issue; secretaries may add to it in the admin."""

from django.db import migrations

from committees.categories import ensure_defaults


def seed(apps, schema_editor):
    ensure_defaults(apps.get_model("committees", "Category"))


class Migration(migrations.Migration):
    dependencies = [("committees", "0002_lists")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
