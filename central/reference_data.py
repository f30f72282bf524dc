"""Reference data shipped with SDP: the 33 Kanwil (regional offices of Ditjenpas) and detention limits.

Kanwil codes are the Kemendagri province codes. Kalimantan Utara has no Kanwil of its own: Kalimantan Timur
serves it. Data migrations load these lists; ``reference_data_ensure`` reloads them for commands and tests
that start from an emptied database.
"""

from datetime import date

from django.apps import apps

KANWIL_PROVINCES: list[tuple[str, str]] = [
    ("11", "Aceh"),
    ("12", "Sumatera Utara"),
    ("13", "Sumatera Barat"),
    ("14", "Riau"),
    ("15", "Jambi"),
    ("16", "Sumatera Selatan"),
    ("17", "Bengkulu"),
    ("18", "Lampung"),
    ("19", "Kepulauan Bangka Belitung"),
    ("21", "Kepulauan Riau"),
    ("31", "DKI Jakarta"),
    ("32", "Jawa Barat"),
    ("33", "Jawa Tengah"),
    ("34", "DI Yogyakarta"),
    ("35", "Jawa Timur"),
    ("36", "Banten"),
    ("51", "Bali"),
    ("52", "Nusa Tenggara Barat"),
    ("53", "Nusa Tenggara Timur"),
    ("61", "Kalimantan Barat"),
    ("62", "Kalimantan Tengah"),
    ("63", "Kalimantan Selatan"),
    ("64", "Kalimantan Timur"),
    ("71", "Sulawesi Utara"),
    ("72", "Sulawesi Tengah"),
    ("73", "Sulawesi Selatan"),
    ("74", "Sulawesi Tenggara"),
    ("75", "Gorontalo"),
    ("76", "Sulawesi Barat"),
    ("81", "Maluku"),
    ("82", "Maluku Utara"),
    ("91", "Papua"),
    ("92", "Papua Barat"),
]


def kanwil_name(province: str) -> str:
    return f"Kanwil Ditjenpas {province}"


# Detention limits of KUHAP 1981 (art. 24–29): initial period plus the longest extension, per register.
# Later laws (the new KUHAP for cases from 2 January 2026) are added as new rows with their own date.
KUHAP_1981_FROM = date(1981, 12, 31)
KUHAP_1981_LIMITS: list[tuple[str, int, int, str]] = [
    ("A.I", 20, 40, "KUHAP Pasal 24 (penyidik)"),
    ("A.II", 20, 30, "KUHAP Pasal 25 (penuntut umum)"),
    ("A.III", 30, 60, "KUHAP Pasal 26 (hakim Pengadilan Negeri)"),
    ("A.IV", 30, 60, "KUHAP Pasal 27 (hakim Pengadilan Tinggi)"),
    ("A.V", 50, 60, "KUHAP Pasal 28 (hakim Mahkamah Agung)"),
]


def kanwil_load(get_model) -> None:
    """Create or update the 33 Kanwil and the Ditjenpas row. ``get_model`` is a migration's
    ``apps.get_model`` or ``django.apps.apps.get_model``."""
    Kanwil = get_model("central", "Kanwil")
    CentralOffice = get_model("central", "CentralOffice")
    for code, province in KANWIL_PROVINCES:
        Kanwil.objects.update_or_create(code=code, defaults={"name": kanwil_name(province), "province": province})
    CentralOffice.objects.get_or_create(code="DITJENPAS")


def detention_limits_load(get_model) -> None:
    DetentionLimit = get_model("central", "DetentionLimit")
    for register, initial, extension, basis in KUHAP_1981_LIMITS:
        DetentionLimit.objects.get_or_create(
            register=register,
            effective_from=KUHAP_1981_FROM,
            defaults={"initial_days": initial, "extension_days": extension, "legal_basis": basis},
        )


def reference_data_ensure() -> None:
    """Load the shipped reference data where it is missing — after a database flush, for instance."""
    if apps.get_model("central", "Kanwil").objects.count() < len(KANWIL_PROVINCES):
        kanwil_load(apps.get_model)
    if not apps.get_model("central", "DetentionLimit").objects.exists():
        detention_limits_load(apps.get_model)
