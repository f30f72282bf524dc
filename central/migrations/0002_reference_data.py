"""Loads the 33 Kanwil and the single Ditjenpas row that central's object permissions hang on."""

from django.db import migrations

from central.reference_data import KANWIL_PROVINCES, kanwil_name


def load(apps, schema_editor):
    Kanwil = apps.get_model("central", "Kanwil")
    CentralOffice = apps.get_model("central", "CentralOffice")
    for code, province in KANWIL_PROVINCES:
        Kanwil.objects.update_or_create(code=code, defaults={"name": kanwil_name(province), "province": province})
    CentralOffice.objects.get_or_create(code="DITJENPAS")


class Migration(migrations.Migration):
    dependencies = [("central", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
