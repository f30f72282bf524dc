"""The sentence-date module against hand-worked cases (month ends, leap years, subsider, remissions)."""

from datetime import date
from types import SimpleNamespace

import pytest

from central.linkage import name_key, normalise_name
from central.reference import Register
from central.sentence import (
    Term,
    b_register_for,
    detention_window,
    expiry_date,
    remission_days,
    sentence_dates,
)


def test_two_years_from_9_may_2017_expire_on_9_may_2019():
    # A case reported in the press: detained 9 May 2017, two years, due out 9 May 2019;
    # a 15-day Christmas remission moved it to 24 April 2019.
    dates = sentence_dates(detention_start=date(2017, 5, 9), sentence=Term(years=2))
    assert dates.expiry == date(2019, 5, 9)
    assert dates.effective_days == 730
    with_remission = sentence_dates(detention_start=date(2017, 5, 9), sentence=Term(years=2), remission_days=15)
    assert with_remission.expiry == date(2019, 4, 24)


def test_fractions_round_up_to_a_whole_day():
    dates = sentence_dates(detention_start=date(2017, 5, 9), sentence=Term(years=2))
    assert dates.one_third == date(2018, 1, 8)  # ceil(730/3) = 244 days
    assert dates.one_half == date(2018, 5, 9)  # 365 days
    assert dates.two_thirds == date(2018, 9, 8)  # ceil(1460/3) = 487 days
    assert dates.parole_eligible_from == date(2018, 9, 8)


@pytest.mark.parametrize(
    ("start", "term", "expected"),
    [
        (date(2024, 1, 31), Term(months=1), date(2024, 2, 29)),  # leap February
        (date(2023, 1, 31), Term(months=1), date(2023, 2, 28)),  # common February
        (date(2024, 2, 29), Term(years=1), date(2025, 2, 28)),  # leap day + a year
        (date(2024, 2, 29), Term(years=4), date(2028, 2, 29)),  # and back on a leap year
        (date(2025, 8, 31), Term(months=1, days=1), date(2025, 10, 1)),  # 30 Sep, then a day
        (date(2025, 12, 31), Term(days=1), date(2026, 1, 1)),  # year end
    ],
)
def test_month_ends_and_leap_years(start, term, expected):
    assert sentence_dates(detention_start=start, sentence=term).expiry == expected


def test_subsider_runs_after_the_term_unless_the_fine_is_paid():
    kwargs = {"detention_start": date(2025, 3, 15), "sentence": Term(years=1, months=6)}
    unpaid = sentence_dates(**kwargs, subsidiary=Term(months=3))
    paid = sentence_dates(**kwargs, subsidiary=Term(months=3), fine_paid=True)
    assert unpaid.expiry == date(2026, 12, 15)
    assert paid.expiry == date(2026, 9, 15)


def test_short_sentence_is_not_parole_eligible():
    dates = sentence_dates(detention_start=date(2025, 1, 1), sentence=Term(months=3))
    assert dates.expiry == date(2025, 4, 1)
    assert dates.effective_days == 90
    assert dates.two_thirds == date(2025, 3, 2)
    assert dates.parole_eligible_from is None  # 2/3 is less than nine months


def test_remissions_count_30_days_to_the_month():
    assert remission_days(months=1, days=15) == 45
    dates = sentence_dates(detention_start=date(2020, 1, 1), sentence=Term(years=5), remission_days=remission_days(6))
    assert dates.expiry == date(2024, 7, 5)  # 1827 days − 180 = 1647 days after 1 Jan 2020


def test_zero_sentence_and_negative_values_are_refused():
    with pytest.raises(ValueError):
        sentence_dates(detention_start=date(2025, 1, 1), sentence=Term())
    with pytest.raises(ValueError):
        Term(years=-1)


def test_expiry_date_only_for_fixed_terms():
    common = {"detention_start": date(2025, 1, 1), "sentence": Term(years=1)}
    assert expiry_date(register=Register.B_IIA, **common) == date(2026, 1, 1)
    for register in (Register.A_III, Register.SEUMUR_HIDUP, Register.PIDANA_MATI):
        assert expiry_date(register=register, **common) is None
    assert expiry_date(register=Register.B_I, detention_start=None, sentence=Term(years=2)) is None


@pytest.mark.parametrize(
    ("term", "kurungan", "register"),
    [
        (Term(years=1, days=1), False, Register.B_I),
        (Term(years=1, months=1), False, Register.B_I),
        (Term(years=1), False, Register.B_IIA),  # exactly one year is not "more than one year"
        (Term(months=12), False, Register.B_IIA),
        (Term(months=3, days=1), False, Register.B_IIA),
        (Term(days=91), False, Register.B_IIA),
        (Term(months=3), False, Register.B_IIB),
        (Term(days=1), False, Register.B_IIB),
        (Term(years=2), True, Register.B_III),
        (Term(), False, None),
    ],
)
def test_b_register_from_sentence_length(term, kurungan, register):
    assert b_register_for(term, kurungan=kurungan) == register


LIMITS = [
    SimpleNamespace(register="A.I", effective_from=date(1981, 12, 31), total_days=60),
    SimpleNamespace(register="A.II", effective_from=date(1981, 12, 31), total_days=50),
    SimpleNamespace(register="A.I", effective_from=date(2026, 1, 2), total_days=45),
]


def test_detention_window_uses_the_limit_in_force_when_the_register_began():
    old = detention_window(register="A.I", since=date(2025, 12, 20), limits=LIMITS)
    assert old.total_days == 60
    assert old.last_day == date(2026, 2, 17)  # 20 Dec + 59 days
    new = detention_window(register="A.I", since=date(2026, 11, 1), limits=LIMITS)
    assert new.total_days == 45
    assert new.last_day == date(2026, 12, 15)
    assert new.days_remaining(date(2026, 11, 27)) == 18
    assert new.days_remaining(date(2026, 12, 16)) == -1


def test_detention_window_only_for_detainees_with_a_start():
    assert detention_window(register="B.I", since=date(2026, 1, 1), limits=LIMITS) is None
    assert detention_window(register="A.I", since=None, limits=LIMITS) is None
    assert detention_window(register="A.III", since=date(2026, 1, 1), limits=LIMITS) is None  # no limit row


@pytest.mark.django_db
def test_kuhap_limits_are_loaded():
    from central.models import DetentionLimit

    window = detention_window(register="A.III", since=date(2026, 3, 1), limits=DetentionLimit.objects.all())
    assert window.total_days == 90  # 30 + 60


def test_name_key_normalises_honorifics_and_spelling():
    assert normalise_name("H. Muhammad  Ali bin Umar") == "muhammad ali umar"
    assert normalise_name("Sitï Rahayu") == "siti rahayu"
    key = name_key("Budi Santoso", date(1990, 4, 1), "Cilacap")
    assert key == "budi santoso|1990-04-01|cilacap"
    assert name_key("BUDI  SANTOSO", date(1990, 4, 1), "CILACAP ") == key
    assert name_key("Budi Santoso", None, "Cilacap") == ""
