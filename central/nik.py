"""Plausibility of an Indonesian NIK (Nomor Induk Kependudukan, UU 24/2013 on population administration).

A NIK has 16 digits: province (2), regency/city (2), district (2), the holder's birth date as DDMMYY with
40 added to the day for women, and a 4-digit serial. Nothing short of the Dukcapil registry can say that a
NIK *exists*; these checks catch what a typist gets wrong: a digit missing, a region that cannot be, a
birth date that is not the one on the form, a woman's NIK for a man.

The module is shared by data entry and by any check of received data, so both say the same thing.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from central.formats import show_date
from central.register_rules import NIK_LENGTH

# Kemendagri province codes, including the provinces created since (Kalimantan Utara 65, the Papua
# provinces of 2022 93–96): a NIK keeps the code of the province where it was first issued.
NIK_PROVINCE_CODES = frozenset(
    {
        *range(11, 20),
        21,
        *range(31, 37),
        *range(51, 54),
        *range(61, 66),
        *range(71, 77),
        81,
        82,
        *range(91, 97),
    }
)
FEMALE_DAY_OFFSET = 40


def nik_format_ok(nik: str) -> bool:
    """Sixteen ASCII digits (``str.isdigit`` alone would take other scripts' digits, which SQL's [0-9] does not)."""
    return len(nik) == NIK_LENGTH and nik.isascii() and nik.isdigit()


def nik_birth_facts(nik: str) -> tuple[int, int, int, bool] | None:
    """(day, month, two-digit year, is_female) encoded in a 16-digit NIK, or None when it is not one."""
    if not nik_format_ok(nik):
        return None
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    female = day > FEMALE_DAY_OFFSET
    return (day - FEMALE_DAY_OFFSET if female else day), month, year, female


def nik_problems(nik: str, *, birth_date: date | None = None, sex: str | None = None) -> list[str]:
    """What is wrong with this NIK, in Indonesian; an empty list when it is plausible.

    ``sex`` is ``"L"`` or ``"P"`` (``central.reference.Sex``); with ``birth_date`` and ``sex`` given the
    NIK must agree with them.
    """
    if not nik_format_ok(nik):
        return [_("NIK harus terdiri dari 16 angka (sekarang %(n)d karakter).") % {"n": len(nik)}]
    if len(set(nik)) == 1:
        return [_("NIK tidak boleh berupa satu angka yang diulang.")]
    problems = []
    if int(nik[0:2]) not in NIK_PROVINCE_CODES:
        problems.append(_("Dua angka pertama NIK (%(code)s) bukan kode provinsi.") % {"code": nik[0:2]})
    if nik[2:4] == "00" or nik[4:6] == "00":
        problems.append(_("Angka ke-3 s.d. 6 NIK (kabupaten/kota dan kecamatan) tidak boleh 00."))
    if nik[12:16] == "0000":
        problems.append(_("Empat angka terakhir NIK (nomor urut) tidak boleh 0000."))
    facts = nik_birth_facts(nik)
    assert facts is not None  # the format was checked above
    day, month, year, female = facts
    try:
        # Any century will do to test that day and month can exist; 2000 is a leap year, so 29-02 passes.
        date(2000, month, day)
    except ValueError:
        problems.append(
            _("Angka ke-7 s.d. 12 NIK (%(digits)s) bukan tanggal lahir yang mungkin.") % {"digits": nik[6:12]}
        )
        return problems
    if birth_date is not None and (day, month, year) != (birth_date.day, birth_date.month, birth_date.year % 100):
        problems.append(
            _("Tanggal lahir pada NIK (%(nik_date)s) tidak sama dengan tanggal lahir %(form_date)s.")
            % {"nik_date": f"{day:02d}-{month:02d}-..{year:02d}", "form_date": show_date(birth_date)}
        )
    if sex == "L" and female:
        problems.append(_("NIK ini milik perempuan (tanggal lahir ditambah 40), sedangkan jenis kelamin Laki-laki."))
    elif sex == "P" and not female:
        problems.append(
            _("NIK ini milik laki-laki, sedangkan jenis kelamin Perempuan (tanggal lahir NIK ditambah 40).")
        )
    return problems


def nik_compose(*, region: str, birth_date: date, sex: str, serial: int) -> str:
    """A plausible NIK for demo and test data: ``region`` is the 6-digit province-regency-district code."""
    if len(region) != 6 or not region.isdigit():
        raise ValueError("region must be 6 digits")
    day = birth_date.day + (FEMALE_DAY_OFFSET if sex == "P" else 0)
    return f"{region}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial % 10000 or 1:04d}"
