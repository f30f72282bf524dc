"""Detention limits of KUHAP 1981 (art. 24–29): initial period plus the longest extension, per register.

Later laws (the new KUHAP for cases from 2 January 2026) are added as new rows with their own date.
"""

from datetime import date

from django.db import migrations

KUHAP_1981 = [
    ("A.I", 20, 40, "KUHAP Pasal 24 (penyidik)"),
    ("A.II", 20, 30, "KUHAP Pasal 25 (penuntut umum)"),
    ("A.III", 30, 60, "KUHAP Pasal 26 (hakim Pengadilan Negeri)"),
    ("A.IV", 30, 60, "KUHAP Pasal 27 (hakim Pengadilan Tinggi)"),
    ("A.V", 50, 60, "KUHAP Pasal 28 (hakim Mahkamah Agung)"),
]


def load(apps, schema_editor):
    DetentionLimit = apps.get_model("central", "DetentionLimit")
    for register, initial, extension, basis in KUHAP_1981:
        DetentionLimit.objects.update_or_create(
            register=register,
            effective_from=date(1981, 12, 31),
            defaults={"initial_days": initial, "extension_days": extension, "legal_basis": basis},
        )


class Migration(migrations.Migration):
    dependencies = [("central", "0003_inbox_register_consolidation")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
