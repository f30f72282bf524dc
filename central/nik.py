"""Plausibility of an Indonesian NIK (Nomor Induk Kependudukan, UU 24/2013 on population administration).

A NIK has 16 digits: province (2), regency/city (2), district (2), the holder's birth date as DDMMYY with
40 added to the day for women, and a 4-digit serial. Nothing short of the Dukcapil registry can say that a
NIK *exists*; these checks catch what a typist gets wrong: a digit missing, a region that cannot be, a
birth date that is not the one on the form, a woman's NIK for a man. The region codes are Kemendagri's list,
shipped in ``central/data/wilayah_codes.txt`` (its source and licence: docs/TRUST.md).

The module is shared by data entry and by any check of received data, so both say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

from central.formats import show_date
from central.register_rules import NIK_LENGTH

_REGION_FILE = Path(__file__).resolve().parent / "data" / "wilayah_codes.txt"
FEMALE_DAY_OFFSET = 40


@dataclass(frozen=True)
class RegionCodes:
    """The Kemendagri codes a NIK's first six digits may carry (``central/data/wilayah_codes.txt``).

    A NIK keeps the codes under which it was issued. When districts move to a new regency, or regencies to
    a new province, they are recoded there and their old codes are retired, never reused, while new ones
    take the next free number (kabupaten from 01, kota from 71). So a code in the list, or a retired one
    not above the highest its parent uses now, can be on a real NIK; anything above cannot. This accepts,
    for instance, 9101 (Merauke, 93.01 since the Papua provinces of 2022) and 6405 (Bulungan, 65.01 since
    Kalimantan Utara in 2012). The districts of a retired regency are not in the list: any from 01 is taken.
    """

    provinces: frozenset[str]
    regencies: frozenset[str]  # 4 digits: current and retired
    districts: frozenset[str]  # 6 digits: current and retired, of every regency in ``regencies``


def _numbered_up_to(highest: dict[str, int], first: int) -> set[str]:
    return {f"{parent}{n:02d}" for parent, top in highest.items() for n in range(first, top + 1)}


@cache
def region_codes() -> RegionCodes:
    codes = [line.strip() for line in _REGION_FILE.read_text(encoding="ascii").splitlines()]
    codes = [code for code in codes if code and code[0] != "#"]
    kabupaten: dict[str, int] = {}
    kota: dict[str, int] = {}
    district: dict[str, int] = {}
    for code in codes:
        if len(code) == 4:
            number = int(code[2:])
            highest = kota if number >= 71 else kabupaten
            highest[code[:2]] = max(highest.get(code[:2], 0), number)
        elif len(code) == 6:
            district[code[:4]] = max(district.get(code[:4], 0), int(code[4:]))
    regencies = _numbered_up_to(kabupaten, 1) | {c for c in _numbered_up_to(kota, 71) if int(c[2:]) >= 71}
    current = {code for code in codes if len(code) == 4}
    districts = _numbered_up_to({r: district.get(r, 0) if r in current else 99 for r in regencies}, 1)
    return RegionCodes(
        provinces=frozenset(code for code in codes if len(code) == 2),
        regencies=frozenset(regencies),
        districts=frozenset(districts),
    )


@cache
def listed_districts(province: str) -> tuple[str, ...]:
    """The province's district codes in Kemendagri's current list, in order: for composing demo NIKs."""
    codes = _REGION_FILE.read_text(encoding="ascii").split()
    return tuple(code for code in codes if len(code) == 6 and code.isdigit() and code.startswith(province))


def nik_region_problem(nik: str) -> str | None:
    """What is wrong with the NIK's first six digits (province, regency, district), or None."""
    codes = region_codes()
    if nik[0:2] not in codes.provinces:
        return _("Dua angka pertama NIK (%(code)s) bukan kode provinsi.") % {"code": nik[0:2]}
    if nik[0:4] not in codes.regencies:
        return _("Angka ke-1 s.d. 4 NIK (%(code)s) bukan kode kabupaten/kota dalam daftar Kemendagri.") % {
            "code": nik[0:4]
        }
    if nik[0:6] not in codes.districts:
        return _("Angka ke-1 s.d. 6 NIK (%(code)s) bukan kode kecamatan di kabupaten/kota %(regency)s.") % {
            "code": nik[0:6],
            "regency": nik[0:4],
        }
    return None


def nik_format_ok(nik: str) -> bool:
    """Sixteen ASCII digits (``str.isdigit`` alone would take other scripts' digits, which SQL's [0-9] does not)."""
    return len(nik) == NIK_LENGTH and nik.isascii() and nik.isdigit()


def nik_format_problem(nik: str) -> str:
    """Why ``nik`` is not sixteen digits, told apart: a letter or sign typed in, or digits too few or many."""
    if not (nik.isascii() and nik.isdigit()):
        return _("NIK hanya boleh berisi angka: 16 angka tanpa huruf, spasi, atau tanda baca.")
    return _("NIK harus 16 angka; yang diisi %(n)d angka.") % {"n": len(nik)}


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
        return [nik_format_problem(nik)]
    if len(set(nik)) == 1:
        return [_("NIK tidak boleh berupa satu angka yang diulang.")]
    problems = []
    region = nik_region_problem(nik)
    if region:
        problems.append(region)
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
