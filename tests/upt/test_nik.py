"""NIK plausibility (central.nik): length, region, birth date digits, the +40 for women."""

from datetime import date

import pytest

from central.nik import nik_compose, nik_problems


def test_a_composed_nik_is_plausible_and_agrees_with_its_holder():
    nik = nik_compose(region="330105", birth_date=date(1990, 5, 17), sex="L", serial=12)
    assert nik == "3301051705900012"
    assert nik_problems(nik, birth_date=date(1990, 5, 17), sex="L") == []
    woman = nik_compose(region="317404", birth_date=date(2001, 12, 3), sex="P", serial=7)
    assert woman == "3174044312010007"
    assert nik_problems(woman, birth_date=date(2001, 12, 3), sex="P") == []


@pytest.mark.parametrize(
    ("nik", "fragment"),
    [
        ("330105170590001", "16 angka"),  # 15 digits
        ("33010517059000123", "16 angka"),  # 17 digits
        ("33010517O5900012", "16 angka"),  # a letter O for a zero
        ("1111111111111111", "diulang"),
        ("0001051705900012", "kode provinsi"),
        ("2201051705900012", "kode provinsi"),  # no province 22
        ("3300051705900012", "kode kabupaten/kota"),
        ("3301001705900012", "kode kecamatan"),
        ("3299051705900012", "kode kabupaten/kota"),  # Jawa Tengah has no regency 99
        ("3301991705900012", "kode kecamatan"),  # Cilacap's highest district is 24
        ("3125011705900012", "kode kabupaten/kota"),  # DKI Jakarta has one kabupaten (01)
        ("3301053205900012", "bukan tanggal lahir"),  # day 32
        ("3301051713900012", "bukan tanggal lahir"),  # month 13
        ("3301057202900012", "bukan tanggal lahir"),  # 72 − 40 = 32
        ("3301053002900012", "bukan tanggal lahir"),  # 30 February
        ("3301051705900000", "0000"),
    ],
)
def test_implausible_niks_are_explained(nik, fragment):
    problems = nik_problems(nik)
    assert problems, nik
    assert any(fragment in p for p in problems), problems


def test_29_february_is_a_possible_birth_date():
    assert nik_problems("3301052902000001", birth_date=date(2000, 2, 29)) == []


def test_the_nik_must_agree_with_birth_date_and_sex():
    nik = "3301051705900012"
    assert any("tidak sama" in p for p in nik_problems(nik, birth_date=date(1990, 5, 18)))
    assert any("tidak sama" in p for p in nik_problems(nik, birth_date=date(1980, 5, 17)))
    assert any("Perempuan" in p for p in nik_problems(nik, sex="P"))
    assert any("perempuan" in p for p in nik_problems("3301055705900012", sex="L"))


@pytest.mark.parametrize(
    "nik",
    [
        "3301241705900012",  # Cilacap's district 24, in Kemendagri's current list
        "1104041705900012",  # Aceh Tengah 04: moved to Bener Meriah, retired code under 1104's highest
        "9101011705900012",  # Merauke as Papua's 91.01, before it became Papua Selatan's 93.01 (2022)
        "6405011705900012",  # Bulungan as Kalimantan Timur's 64.05, before Kalimantan Utara (2012)
        "9301011705900012",  # Merauke today
    ],
)
def test_codes_of_the_list_and_codes_retired_by_a_split_are_plausible(nik):
    """A NIK keeps the region codes it was issued under; a retired code is never reused, new ones take the
    next number, so a code not above the highest in use can be on a real NIK (central.nik.RegionCodes)."""
    assert nik_problems(nik) == []
