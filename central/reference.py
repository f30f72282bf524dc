"""Codes of the correctional domain (DESIGN §1), kept as data in one place.

Registers, crime categories, statuses, movement kinds and their allowed transitions, release reasons and
remission kinds are used by data entry (``upt``), the package format, validation and reports alike; nothing
else in the code base spells these codes. Detention limits change with the law and so live in a table
(``central.models.DetentionLimit``), editable in the admin.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Register(models.TextChoices):
    """Registration book a person is held under (Kepdirjenpas PAS-170.PK.01.01.02 Tahun 2015)."""

    A_I = "A.I", _("A.I — tahanan penyidik")
    A_II = "A.II", _("A.II — tahanan penuntut umum")
    A_III = "A.III", _("A.III — tahanan Pengadilan Negeri")
    A_IV = "A.IV", _("A.IV — tahanan Pengadilan Tinggi")
    A_V = "A.V", _("A.V — tahanan Mahkamah Agung")
    B_I = "B.I", _("B.I — pidana lebih dari 1 tahun")
    B_IIA = "B.IIa", _("B.IIa — pidana lebih dari 3 bulan s.d. 1 tahun")
    B_IIB = "B.IIb", _("B.IIb — pidana 1 hari s.d. 3 bulan")
    B_III = "B.III", _("B.III — kurungan")
    SEUMUR_HIDUP = "SH", _("Seumur hidup")
    PIDANA_MATI = "PM", _("Pidana mati")


DETAINEE_REGISTERS = frozenset({Register.A_I, Register.A_II, Register.A_III, Register.A_IV, Register.A_V})
SENTENCED_REGISTERS = frozenset(set(Register) - DETAINEE_REGISTERS)
# Sentences with an end date; life and death sentences have none.
TERM_REGISTERS = frozenset({Register.B_I, Register.B_IIA, Register.B_IIB, Register.B_III})


def is_detainee(register: str) -> bool:
    """Tahanan (not yet finally sentenced) as opposed to narapidana."""
    return register in DETAINEE_REGISTERS


class CrimeCategory(models.TextChoices):
    """The categories of Ditjenpas's national statistics."""

    NARKOTIKA_BANDAR = "NARKOTIKA_BANDAR", _("Narkotika — bandar/pengedar")
    NARKOTIKA_PENGGUNA = "NARKOTIKA_PENGGUNA", _("Narkotika — pengguna")
    KORUPSI = "KORUPSI", _("Korupsi")
    TERORISME = "TERORISME", _("Terorisme")
    TPPO = "TPPO", _("Perdagangan orang (TPPO)")
    ILLEGAL_LOGGING = "ILLEGAL_LOGGING", _("Illegal logging")
    PENCUCIAN_UANG = "PENCUCIAN_UANG", _("Pencucian uang")
    PIDANA_UMUM = "PIDANA_UMUM", _("Pidana umum")


NARCOTICS_CATEGORIES = frozenset({CrimeCategory.NARKOTIKA_BANDAR, CrimeCategory.NARKOTIKA_PENGGUNA})


class Sex(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


# How a record may spell Indonesian citizenship (case and surrounding spaces aside); any other value is a
# foreign national (warga negara asing). Data entry normalises to "Indonesia"; the snapshot counts the rest.
INDONESIAN_SPELLINGS = frozenset({"", "indonesia", "wni", "warga negara indonesia"})


def is_indonesian(nationality: str) -> bool:
    return nationality.strip().lower() in INDONESIAN_SPELLINGS


# A child (anak) in the criminal justice system is under 18 (UU 11/2012 tentang Sistem Peradilan Pidana
# Anak, Pasal 1); the daily snapshot counts the held people younger than this on its day.
CHILD_AGE_YEARS = 18


class Religion(models.TextChoices):
    ISLAM = "ISLAM", _("Islam")
    KRISTEN = "KRISTEN", _("Kristen")
    KATOLIK = "KATOLIK", _("Katolik")
    HINDU = "HINDU", _("Hindu")
    BUDDHA = "BUDDHA", _("Buddha")
    KHONGHUCU = "KHONGHUCU", _("Khonghucu")
    LAINNYA = "LAINNYA", _("Kepercayaan/lainnya")


class Education(models.TextChoices):
    NONE = "TIDAK_SEKOLAH", _("Tidak/belum sekolah")
    SD = "SD", _("SD/sederajat")
    SMP = "SMP", _("SMP/sederajat")
    SMA = "SMA", _("SMA/sederajat")
    DIPLOMA = "DIPLOMA", _("Diploma")
    S1 = "S1", _("Sarjana (S1)")
    S2 = "S2", _("Magister (S2)")
    S3 = "S3", _("Doktor (S3)")


class PersonStatus(models.TextChoices):
    """Where the person is now, derived from the last movement."""

    IN = "IN", _("Di dalam")
    TEMPORARILY_OUT = "TEMP_OUT", _("Keluar sementara")
    RELEASED = "RELEASED", _("Bebas")
    TRANSFERRED_OUT = "TRANSFERRED", _("Dipindahkan")
    DIED = "DIED", _("Meninggal dunia")
    ESCAPED = "ESCAPED", _("Melarikan diri")


# Counted as occupants (penghuni) of the UPT: a person at a court hearing or in hospital is still its charge.
HELD_STATUSES = frozenset({PersonStatus.IN, PersonStatus.TEMPORARILY_OUT})


class MovementKind(models.TextChoices):
    ADMISSION = "ADMISSION", _("Penerimaan")
    REGISTER_CHANGE = "REGISTER_CHANGE", _("Mutasi registrasi")
    TRANSFER_OUT = "TRANSFER_OUT", _("Pindah ke UPT lain")
    TRANSFER_IN = "TRANSFER_IN", _("Pindahan dari UPT lain")
    TEMPORARY_EXIT = "TEMP_EXIT", _("Keluar sementara")
    RETURN = "RETURN", _("Kembali dari keluar sementara")
    RELEASE = "RELEASE", _("Bebas")
    DEATH = "DEATH", _("Meninggal dunia")
    ESCAPE = "ESCAPE", _("Melarikan diri")
    RECAPTURE = "RECAPTURE", _("Tertangkap kembali")


@dataclass(frozen=True)
class MovementRule:
    """Which statuses a movement may follow, and the status it leaves the person in (None: unchanged)."""

    allowed_from: frozenset[str]
    result: str | None
    needs_other_upt: bool = False
    needs_release_reason: bool = False
    needs_exit_reason: bool = False
    opens_record: bool = False  # the first movement of a person's record at a UPT


_HELD = frozenset(HELD_STATUSES)
MOVEMENT_RULES: dict[str, MovementRule] = {
    MovementKind.ADMISSION: MovementRule(frozenset(), PersonStatus.IN, opens_record=True),
    MovementKind.TRANSFER_IN: MovementRule(frozenset(), PersonStatus.IN, needs_other_upt=True, opens_record=True),
    MovementKind.REGISTER_CHANGE: MovementRule(_HELD, None),
    MovementKind.TRANSFER_OUT: MovementRule(frozenset({PersonStatus.IN}), PersonStatus.TRANSFERRED_OUT, True),
    MovementKind.TEMPORARY_EXIT: MovementRule(
        frozenset({PersonStatus.IN}), PersonStatus.TEMPORARILY_OUT, needs_exit_reason=True
    ),
    MovementKind.RETURN: MovementRule(frozenset({PersonStatus.TEMPORARILY_OUT}), PersonStatus.IN),
    MovementKind.RELEASE: MovementRule(_HELD, PersonStatus.RELEASED, needs_release_reason=True),
    MovementKind.DEATH: MovementRule(_HELD | {PersonStatus.ESCAPED}, PersonStatus.DIED),
    MovementKind.ESCAPE: MovementRule(_HELD, PersonStatus.ESCAPED),
    MovementKind.RECAPTURE: MovementRule(frozenset({PersonStatus.ESCAPED}), PersonStatus.IN),
}


class ReleaseReason(models.TextChoices):
    BEBAS_MURNI = "BEBAS_MURNI", _("Bebas murni (ekspirasi)")
    BEBAS_DEMI_HUKUM = "BEBAS_DEMI_HUKUM", _("Bebas demi hukum")
    PEMBEBASAN_BERSYARAT = "PB", _("Pembebasan bersyarat (PB)")
    CUTI_BERSYARAT = "CB", _("Cuti bersyarat (CB)")
    CUTI_MENJELANG_BEBAS = "CMB", _("Cuti menjelang bebas (CMB)")
    ASIMILASI = "ASIMILASI", _("Asimilasi")


class TemporaryExitReason(models.TextChoices):
    COURT = "SIDANG", _("Sidang pengadilan")
    HOSPITAL = "RUMAH_SAKIT", _("Rumah sakit")
    OTHER = "LAINNYA", _("Lainnya (izin luar biasa)")


class RemissionKind(models.TextChoices):
    UMUM = "RU", _("Remisi umum (17 Agustus)")
    KHUSUS = "RK", _("Remisi khusus (hari besar keagamaan)")
    DASAWARSA = "RD", _("Remisi dasawarsa")
    TAMBAHAN = "RT", _("Remisi tambahan")
    KEMANUSIAAN = "RKM", _("Remisi kemanusiaan")
    SUSULAN = "RS", _("Remisi susulan")


# Occupancy as Ditjenpas states it (DESIGN §1), defined once for pages, exports and the API:
# occupancy rate = penghuni ÷ kapasitas × 100; overcrowding = rate − 100, only when over capacity (a unit
# with room is "tidak melebihi", never a negative overcrowding). Colour thresholds on the rate: above 100 %
# red, exactly 100 % yellow, below 100 % green; a unit with occupants but no declared capacity is red.
def occupancy_rate_percent(occupants: int, capacity: int) -> float | None:
    """penghuni ÷ kapasitas × 100 (100 = full); None when a unit declares no capacity."""
    if capacity <= 0:
        return None
    return occupants * 100.0 / capacity


def occupancy_level(occupants: int, capacity: int) -> str:
    if capacity <= 0:
        return "red" if occupants > 0 else "green"
    if occupants > capacity:
        return "red"
    if occupants == capacity:
        return "yellow"
    return "green"


def overcrowding_percent(occupants: int, capacity: int) -> float | None:
    """(penghuni − kapasitas) ÷ kapasitas × 100 when over capacity; None otherwise (at or under capacity, or
    no declared capacity) — overcrowding is never negative."""
    if capacity <= 0 or occupants <= capacity:
        return None
    return (occupants - capacity) * 100.0 / capacity
