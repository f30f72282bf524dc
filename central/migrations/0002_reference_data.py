"""Loads the 33 Kanwil and the single Ditjenpas row that central's object permissions hang on."""

from django.db import migrations

from central.reference_data import kanwil_load


def load(apps, schema_editor):
    kanwil_load(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("central", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
