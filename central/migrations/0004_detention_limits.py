"""Detention limits of KUHAP 1981 (see ``central.reference_data``)."""

from django.db import migrations

from central.reference_data import detention_limits_load


def load(apps, schema_editor):
    detention_limits_load(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("central", "0003_inbox_register_consolidation")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
